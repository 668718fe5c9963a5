// Child process for crash.test.ts: opens a level store (fsync on) in argv[2], then 64
// concurrent writers put unique keys (and overwrite one hot key each) forever, compacting
// now and then, printing "ack|hot <key> <revision>" after each acknowledged write. The test SIGKILLs it mid-flight.
// argv[3], if given, pads each unique key's value to that many bytes (large values make
// LevelDB switch log files and flush its memtable every few hundred writes). argv[4], if
// given, is the write-ahead log's segment size ("off": LevelDB's own synced log instead).

import { openLevelStore } from './level-store.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: crash-writer.ts <dir> [value bytes]');
const pad = 'x'.repeat(Number(process.argv[3] ?? 0));
const segment = process.argv[4];
const kv = await openLevelStore({
  dir,
  compaction: false,
  ...(segment === 'off' ? { wal: false } : segment ? { walSegmentBytes: Number(segment) } : {}),
});
const start = kv.currentRevision();
let lines: string[] = [];
const flush = (): void => {
  if (lines.length === 0) return;
  process.stdout.write(lines.join(''));
  lines = [];
};

async function writer(w: number): Promise<void> {
  for (let n = 0; ; n++) {
    const key = `/crash/${start}/w${w}/${n}`;
    const { revision } = await kv.put(key, `value ${n}${pad}`);
    lines.push(`ack ${key} ${revision}\n`);
    // A hot key per writer, overwritten each round, gives compaction history to drop.
    const hot = await kv.put(`/hot/w${w}`, String(n));
    lines.push(`hot /hot/w${w} ${hot.revision}\n`);
    if (lines.length >= 64) flush();
    if (revision % 256 < 2 && revision - 100 > kv.compactedRevision()) void kv.compact(revision - 100).catch(() => {});
  }
}

for (let w = 0; w < 64; w++) void writer(w);
