// The key index: reads at a revision and what compaction keeps, on the header's worked
// example, plus a property check of long histories against a linear scan.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyIndex, tombstone, type HistoryEntry } from './key-index.ts';

const put = (key: string, rev: number, version: number, createRevision: number): HistoryEntry => ({
  kv: { key, value: `v${version}@${rev}`, createRevision, modRevision: rev, version, lease: 0 },
  deleted: false,
});
const del = (key: string, rev: number): HistoryEntry => ({ kv: tombstone(key, rev), deleted: true });

function example(): KeyIndex {
  const idx = new KeyIndex();
  for (const e of [put('k', 2, 1, 2), put('k', 3, 2, 2), del('k', 5), put('k', 7, 1, 7)]) idx.append(e);
  return idx;
}

describe('KeyIndex', () => {
  it('answers a read at a revision with the newest version at or before it', () => {
    const idx = example();
    expect(idx.at('k', 1)).toBeUndefined();
    expect(idx.at('k', 4)?.modRevision).toBe(3);
    expect(idx.at('k', 5)).toBeUndefined();
    expect(idx.at('k', 6)).toBeUndefined();
    expect(idx.at('k', 9)).toMatchObject({ createRevision: 7, version: 1 });
    expect(idx.latest('k')?.modRevision).toBe(7);
  });

  it('keeps the version a read at the compacted revision still needs', () => {
    const idx = example();
    expect(idx.compactKey('k', 4).map((e) => e.kv.modRevision)).toEqual([2]);
    expect(idx.at('k', 4)?.modRevision).toBe(3);
    expect(idx.compactKey('k', 6).map((e) => e.kv.modRevision)).toEqual([3, 5]);
    expect(idx.at('k', 7)?.modRevision).toBe(7);
    expect(idx.compactKey('k', 9)).toEqual([]);
  });

  it('forgets a key entirely once its last version is a compacted tombstone', () => {
    const idx = new KeyIndex();
    idx.append(put('a', 1, 1, 1));
    idx.append(del('a', 2));
    idx.compactKey('a', 2);
    expect(idx.size).toBe(0);
    expect([...idx.rangeAt('', undefined, 2)]).toEqual([]);
  });

  it('reads long histories at any revision like a linear scan would', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), fc.nat(70), (ops, at) => {
        const idx = new KeyIndex();
        let version = 0;
        let create = 0;
        const states: (number | undefined)[] = [undefined];
        ops.forEach((isPut, i) => {
          const rev = i + 1;
          if (isPut) {
            if (version === 0) create = rev;
            idx.append(put('k', rev, ++version, create));
          } else {
            idx.append(del('k', rev));
            version = 0;
          }
          states.push(isPut ? rev : undefined);
        });
        const expected = states[Math.min(at, ops.length)];
        expect(idx.at('k', at)?.modRevision).toBe(expected);
      }),
    );
  });
});
