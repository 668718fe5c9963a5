// Crash safety of the level backend: a child process writes with many concurrent writers
// and is SIGKILLed at a random moment; on reopen every acknowledged write must be there
// (key, revision and value) and the revisions consistent (history replays without gaps).
// With large values the kill also lands while LevelDB switches log files and flushes its
// memtable to a table file, the moments where its own recovery has the most to do. With
// tiny write-ahead log segments it lands during rotations and checkpoints too, and runs
// switch the log off and on between kills, so each reopen replays what the last one left.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openLevelStore } from './level-store.ts';

const here = dirname(fileURLToPath(import.meta.url));

interface Acks {
  /** unique key → the revision its put was acknowledged at */
  acked: Map<string, number>;
  /** hot key → the revision of its last acknowledged put */
  hot: Map<string, number>;
}

/** Runs crash-writer.ts until it has acknowledged `acks` writes, then SIGKILLs it. */
function runAndKill(dir: string, acks: number, valueBytes: number, segment: string): Promise<Acks> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crash-writer.ts'), dir, String(valueBytes), segment], {
      cwd: join(here, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<string, number>();
    const hot = new Map<string, number>();
    let partial = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const [kind, key, rev] = line.split(' ');
        (kind === 'hot' ? hot : acked).set(key!, Number(rev));
      }
      if (acked.size >= acks) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ acked, hot });
      else reject(new Error(`writer exited early (${code}): ${stderr}`));
    });
  });
}

/** Reopens the store after a kill and checks every acknowledged write and the history. */
async function checkAfterKill(dir: string, { acked, hot }: Acks, valueBytes: number, round: number, segment: string): Promise<void> {
  const wal = segment === 'off' ? { wal: false } : segment ? { walSegmentBytes: Number(segment) } : {};
  const kv = await openLevelStore({ dir, compaction: false, ...wal });
  const current = kv.currentRevision();
  const byKey = new Map((await kv.range('/')).kvs.map((x) => [x.key, x]));
  const pad = 'x'.repeat(valueBytes);
  for (const [key, rev] of acked) {
    const kvAt = byKey.get(key);
    expect(kvAt?.modRevision, key).toBe(rev);
    expect(kvAt?.value === `value ${key.slice(key.lastIndexOf('/') + 1)}${pad}`, `${key} keeps its value`).toBe(true);
  }
  // A hot key may hold a later, unacknowledged write, never an older one.
  for (const [key, rev] of hot) expect(byKey.get(key)!.modRevision, key).toBeGreaterThanOrEqual(rev);
  expect(Math.max(...[...byKey.values()].map((x) => x.modRevision))).toBeLessThanOrEqual(current);
  // The retained history replays without a gap from the compacted revision to current.
  const from = kv.compactedRevision();
  const w = kv.watch('/', { fromRevision: from });
  let expected = from + 1;
  for await (const ev of w) {
    if (ev.kv.modRevision !== expected) expect(ev.kv.modRevision).toBe(expected + 1);
    expected = ev.kv.modRevision;
    if (ev.kv.modRevision === current) break;
  }
  expect(expected).toBe(current);
  expect((await kv.put('/after', String(round))).revision).toBe(current + 1);
  await kv.close();
}

/** `segments`: per round, the writer's write-ahead log segment size ('' the default, 'off' no log). */
async function killRounds(rounds: number, acks: () => number, valueBytes: number, segments: (round: number) => string = () => ''): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-crash-'));
  try {
    for (let round = 0; round < rounds; round++) {
      // The reopen uses the next round's setting: a log-off open must replay what a log-on run left.
      await checkAfterKill(dir, await runAndKill(dir, acks(), valueBytes, segments(round)), valueBytes, round, segments(round + 1));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('level store after SIGKILL', () => {
  it('reopens with every acknowledged write and a gap-free revision history', async () => {
    await killRounds(3, () => 200 + Math.floor(Math.random() * 3000), 0);
  });

  it('reopens intact when killed while LevelDB switches log files and flushes its memtable', async () => {
    // 16 KiB values: LevelDB's 16 MiB write buffer fills every ~1,000 writes, so a kill
    // after 1,000–3,500 acknowledged writes lands before, during or after one of its flushes.
    await killRounds(3, () => 1_000 + Math.floor(Math.random() * 2_500), 16 << 10);
  }, 120_000);

  it('reopens intact when killed while the write-ahead log rotates segments and checkpoints', async () => {
    // 8 KiB segments hold a few dozen records: the log rotates and checkpoints (a LevelDB
    // memtable flush) every few dozen group commits, so a kill lands in or near one.
    await killRounds(3, () => 200 + Math.floor(Math.random() * 3000), 0, () => String(8 << 10));
  }, 120_000);

  it('reopens intact with large values in tiny segments (records bigger than a segment)', async () => {
    await killRounds(2, () => 300 + Math.floor(Math.random() * 1_500), 4 << 10, () => String(16 << 10));
  }, 120_000);

  it('reopens intact when runs switch the log off and on between kills', async () => {
    await killRounds(4, () => 200 + Math.floor(Math.random() * 2000), 0, (round) => (round % 2 === 0 ? String(8 << 10) : 'off'));
  }, 120_000);
});
