// WalCommitter against a real LevelDB: records reach LevelDB (merged, in log order) by
// the time it closes, checkpoints follow rotations, and an open replays what LevelDB lacks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { META_REVISION, META_WAL_CHECKPOINT } from '../revision.ts';
import { WalCommitter } from './wal-committer.ts';
import { Wal } from './wal.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubesim-walc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const openDb = async (): Promise<ClassicLevel<string, string>> => {
  const db = new ClassicLevel<string, string>(join(dir, 'db'), { keyEncoding: 'utf8', valueEncoding: 'utf8' });
  await db.open();
  return db;
};
const walOpts = (segmentBytes: number) => ({ dir: join(dir, 'db', 'wal'), segmentBytes, sync: 'dsync' as const });
const opsOf = (n: number) => [
  { type: 'put' as const, key: `g/${n}`, value: `v${n}` },
  ...(n % 3 === 0 ? [{ type: 'del' as const, key: `g/${n - 1}` }] : []),
  { type: 'put' as const, key: META_REVISION, value: String(n) },
];

/** Commits one record at a time, as the group committer does; `idle` lets the log fall idle between. */
async function commitAll(c: WalCommitter, from: number, to: number, idle: boolean): Promise<void> {
  for (let n = from; n <= to; n++) {
    await c.commit(n, opsOf(n));
    if (idle) await new Promise((r) => setImmediate(() => setImmediate(() => setImmediate(r))));
  }
}

async function expectApplied(db: ClassicLevel<string, string>, to: number): Promise<void> {
  expect(await db.get(META_REVISION)).toBe(String(to));
  for (let n = 1; n <= to; n++) {
    const deleted = (n + 1) % 3 === 0 && n + 1 <= to;
    expect(await db.get(`g/${n}`), `g/${n}`).toBe(deleted ? undefined : `v${n}`);
  }
}

describe('WalCommitter', () => {
  it('hands every logged record to LevelDB, in order, by the time it closes', async () => {
    for (const idle of [false, true]) {
      rmSync(join(dir, 'db'), { recursive: true, force: true });
      const db = await openDb();
      const c = await WalCommitter.open(db, walOpts(1 << 20));
      await commitAll(c, 1, 300, idle);
      await c.close();
      await expectApplied(db, 300);
      expect(await db.get(META_WAL_CHECKPOINT)).toBeUndefined(); // no rotation, no checkpoint
      await db.close();
    }
  });

  it('checkpoints after rotations, and replays only the records after the checkpoint', async () => {
    let db = await openDb();
    let c = await WalCommitter.open(db, walOpts(512));
    await commitAll(c, 1, 400, false);
    await c.close();
    const checkpoint = Number(await db.get(META_WAL_CHECKPOINT));
    expect(checkpoint).toBeGreaterThan(0);
    expect(checkpoint).toBeLessThanOrEqual(400);
    // LevelDB loses writes after the checkpoint (as a power loss might): reopening replays
    // them. (The last checkpoint may already cover all 400: then nothing is lost.)
    if (checkpoint < 400) await db.batch([{ type: 'put', key: META_REVISION, value: String(checkpoint) }, { type: 'del', key: 'g/400' }]);
    const { wal, replay } = await Wal.open(walOpts(512), checkpoint);
    expect(replay.map((r) => r.seq)).toEqual(Array.from({ length: 400 - checkpoint }, (_, i) => checkpoint + 1 + i));
    await wal.close();
    c = await WalCommitter.open(db, walOpts(512));
    await c.close();
    await expectApplied(db, 400);
    await db.close();
    db = await openDb();
    await WalCommitter.replayAndRetire(db, walOpts(512));
    expect(Number(await db.get(META_WAL_CHECKPOINT))).toBe(400);
    await expectApplied(db, 400);
    await db.close();
  });
});
