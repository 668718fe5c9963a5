// Group records on disk: compaction rewrites a record with its survivors, deletes an
// emptied one, and finds the record of an entry among many.
import { describe, expect, it } from 'vitest';
import { HistoryRecords } from './history-records.ts';
import type { HistoryEntry } from './key-index.ts';
import { decodeGroup, groupKey } from './revision.ts';

const entry = (key: string, rev: number): HistoryEntry => ({
  kv: { key, value: `v@${rev}`, createRevision: rev, modRevision: rev, version: 1, lease: 0 },
  deleted: false,
});

describe('HistoryRecords', () => {
  it('rewrites a record with its survivors and deletes a record nothing survives in', () => {
    const r = new HistoryRecords();
    const a1 = entry('/a', 1);
    const [b2, c2, d3] = [entry('/b', 2), entry('/c', 2), entry('/d', 3)];
    const put = r.add([a1]);
    expect(put).toMatchObject({ type: 'put', key: groupKey(1) });
    r.add([b2, c2, d3]);
    const ops = r.drop([a1, c2]);
    expect(ops[0]).toEqual({ type: 'del', key: groupKey(1) });
    const rewrite = ops[1]!;
    expect(rewrite.type === 'put' && decodeGroup(rewrite.key, rewrite.value).map((e) => e.kv.key)).toEqual(['/b', '/d']);
    expect(r.drop([b2, d3])).toEqual([{ type: 'del', key: groupKey(2) }]);
  });

  it('finds the record of an entry among thousands, after many were deleted', () => {
    const r = new HistoryRecords();
    const all: HistoryEntry[][] = [];
    for (let rev = 1; rev <= 5000; rev += 2) {
      const group = [entry(`/k${rev}`, rev), entry(`/k${rev + 1}`, rev + 1)];
      all.push(group);
      r.add(group);
    }
    for (const g of all.slice(0, 2000)) expect(r.drop(g)).toEqual([{ type: 'del', key: groupKey(g[0]!.kv.modRevision) }]);
    const last = all[all.length - 1]!;
    expect(r.drop([last[1]!])[0]).toMatchObject({ type: 'put', key: groupKey(last[0]!.kv.modRevision) });
  });
});
