import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyedHeap } from './heap.ts';

describe('KeyedHeap', () => {
  it('pops in order whatever was pushed, replaced or removed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 100 }), fc.boolean())), (ops) => {
        const h = new KeyedHeap<{ k: string; v: number }>((x) => x.k, (a, b) => a.v < b.v);
        const model = new Map<string, number>();
        for (const [k, v, remove] of ops) {
          if (remove) {
            h.remove(String(k));
            model.delete(String(k));
          } else {
            h.push({ k: String(k), v });
            model.set(String(k), v);
          }
        }
        const out: number[] = [];
        for (let x = h.pop(); x; x = h.pop()) out.push(x.v);
        expect(out).toEqual([...model.values()].sort((a, b) => a - b));
      }),
    );
  });
});
