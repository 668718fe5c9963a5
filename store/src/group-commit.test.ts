// Group commit: writers arriving during a write share the next one, in order; a failed
// write fails only its own group; groups are capped by count and by weight.
import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './group-commit.ts';

describe('GroupCommitter', () => {
  it('writes the first item alone and everything that queued meanwhile as one group', async () => {
    const groups: number[][] = [];
    let release: () => void = () => {};
    const c = new GroupCommitter<number>((items) => {
      groups.push(items);
      return new Promise<void>((r) => (release = r));
    });
    const done: number[] = [];
    const all = [1, 2, 3, 4].map((n) => c.submit(n).then(() => done.push(n)));
    expect(groups).toEqual([[1]]);
    release();
    await all[0];
    expect(groups).toEqual([[1], [2, 3, 4]]);
    release();
    await Promise.all(all);
    expect(done).toEqual([1, 2, 3, 4]);
  });

  it('fails only the group whose write failed and keeps going', async () => {
    let calls = 0;
    const c = new GroupCommitter<number>(async () => {
      if (calls++ === 0) throw new Error('disk full');
    });
    const first = c.submit(1);
    const second = c.submit(2);
    await expect(first).rejects.toThrow('disk full');
    await expect(second).resolves.toBeUndefined();
  });

  it('caps the size of a group', async () => {
    const groups: number[] = [];
    const c = new GroupCommitter<number>(async (items) => void groups.push(items.length), { maxItems: 3 });
    await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => c.submit(n)));
    expect(groups).toEqual([1, 3, 3]);
  });

  it('caps the weight of a group but always writes a heavy item', async () => {
    const groups: number[][] = [];
    const c = new GroupCommitter<number>(async (items) => void groups.push(items), { maxWeight: 10, weigh: (n) => n });
    await Promise.all([1, 4, 5, 2, 30, 3].map((n) => c.submit(n)));
    expect(groups).toEqual([[1], [4, 5], [2], [30], [3]]);
  });
});
