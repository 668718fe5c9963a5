// The write-ahead log on its own: replay after a checkpoint, rotation across segments,
// reuse of checkpointed segments (whose stale records must never be replayed), torn
// tails, and records larger than a segment.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordOp } from '../history-records.ts';
import { Wal, type WalOptions } from './wal.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubesim-wal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const opsOf = (n: number, pad = 0): RecordOp[] => [
  { type: 'put', key: `/k/${n}`, value: `v${n}${'x'.repeat(pad)}` },
  { type: 'put', key: 'm/revision', value: String(n) },
];
const options = (segmentBytes: number, onRotate?: () => void): WalOptions => ({
  dir: join(dir, 'wal'),
  segmentBytes,
  sync: 'dsync',
  ...(onRotate ? { onRotate } : {}),
});

async function appendAll(wal: Wal, from: number, to: number, pad = 0): Promise<void> {
  for (let n = from; n <= to; n++) expect((await wal.append(n, opsOf(n, pad))).seq).toBe(n);
}

async function replayed(segmentBytes: number, checkpoint: number): Promise<{ wal: Wal; seqs: number[] }> {
  const { wal, replay } = await Wal.open(options(segmentBytes), checkpoint);
  for (const r of replay) expect(r.ops).toEqual(opsOf(r.seq, r.ops[0]!.type === 'put' ? r.ops[0]!.value.length - `v${r.seq}`.length : 0));
  return { wal, seqs: replay.map((r) => r.seq) };
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe('Wal', () => {
  it('replays every record after the checkpoint, in order, and continues the sequence', async () => {
    const { wal } = await Wal.open(options(1 << 16), 0);
    await appendAll(wal, 1, 20);
    await wal.close();
    let again = await replayed(1 << 16, 0);
    expect(again.seqs).toEqual(range(1, 20));
    await again.wal.close();
    again = await replayed(1 << 16, 12);
    expect(again.seqs).toEqual(range(13, 20));
    await appendAll(again.wal, 21, 25);
    await again.wal.close();
    const last = await replayed(1 << 16, 12);
    expect(last.seqs).toEqual(range(13, 25));
    await last.wal.close();
  });

  it('follows the records across segments, and keeps every segment until a checkpoint covers it', async () => {
    let rotations = 0;
    const { wal } = await Wal.open(options(1024, () => rotations++), 0);
    await appendAll(wal, 1, 200); // ~40 bytes each: about 25 per segment
    expect(rotations).toBeGreaterThan(5);
    expect(wal.segmentCount).toBeGreaterThan(rotations); // nothing freed: no checkpoint yet (plus a spare)
    await wal.close();
    const again = await replayed(1024, 0);
    expect(again.seqs).toEqual(range(1, 200));
    await again.wal.close();
  });

  it('reuses checkpointed segments and never replays the stale records they still hold', async () => {
    const { wal } = await Wal.open(options(1024), 0);
    let n = 0;
    for (let round = 0; round < 30; round++) {
      await appendAll(wal, n + 1, n + 20);
      n += 20;
      wal.checkpointed(n - 5); // LevelDB lags a little behind the log
    }
    expect(wal.segmentCount).toBeLessThanOrEqual(4);
    await wal.close();
    for (const checkpoint of [n - 5, n - 30, n]) {
      const again = await replayed(1024, checkpoint);
      expect(again.seqs, `checkpoint ${checkpoint}`).toEqual(range(checkpoint + 1, n));
      await again.wal.close();
    }
  });

  it('ends replay at a torn record, and writes over it afterwards', async () => {
    const { wal } = await Wal.open(options(1 << 16), 0);
    await appendAll(wal, 1, 10, 100);
    await wal.close();
    // Tear record 10: flip a byte in its payload (records are ~140 bytes, in order from 0).
    const file = join(dir, 'wal', readdirSync(join(dir, 'wal')).find((f) => f.endsWith('.wal'))!);
    const bytes = readFileSync(file);
    const end = bytes.lastIndexOf('m/revision') + 'm/revision'.length + 8;
    bytes[end - 20] = bytes[end - 20]! ^ 1;
    writeFileSync(file, bytes);
    const again = await replayed(1 << 16, 0);
    expect(again.seqs).toEqual(range(1, 9));
    await appendAll(again.wal, 10, 12); // shorter records over the torn one
    await again.wal.close();
    const last = await replayed(1 << 16, 0);
    expect(last.seqs).toEqual(range(1, 12));
    await last.wal.close();
  });

  it('gives a record larger than a segment a segment of its own', async () => {
    const { wal } = await Wal.open(options(512), 0);
    await appendAll(wal, 1, 3);
    await appendAll(wal, 4, 4, 5000);
    await appendAll(wal, 5, 6);
    await wal.close();
    const again = await replayed(512, 0);
    expect(again.seqs).toEqual(range(1, 6));
    // Once a checkpoint covers it, the oversized segment is deleted (and so are free
    // segments beyond two); the log goes on in standard ones.
    const sizes = (): number[] => readdirSync(join(dir, 'wal')).filter((f) => f.endsWith('.wal')).map((f) => statSync(join(dir, 'wal', f)).size);
    expect(Math.max(...sizes())).toBeGreaterThan(5000);
    await appendAll(again.wal, 7, 40);
    again.wal.checkpointed(40);
    await appendAll(again.wal, 41, 60);
    await again.wal.close();
    expect(Math.max(...sizes())).toBe(512);
    expect(sizes().length).toBeLessThanOrEqual(4); // current, two free, a spare
    const last = await replayed(512, 40);
    expect(last.seqs).toEqual(range(41, 60));
    await last.wal.close();
  });
});
