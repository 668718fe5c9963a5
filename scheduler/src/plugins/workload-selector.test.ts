import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workloadSelector, WorkloadSelectorMemo } from './workload-selector.ts';
import type { MapSelector } from './workload-selector.ts';

const samples = [{ app: 'web' }, { app: 'web', hash: '1' }, { app: 'web', hash: '2' }, { app: 'db', hash: '1' }, {}, undefined];
const observe = (s: ReturnType<typeof workloadSelector>): unknown => s && { key: s.key, matches: samples.map((l) => s.matcher(l)) };

describe('workloadSelector', () => {
  it('merges the selectors, a later one winning on a shared key', () => {
    const s = workloadSelector([{ app: 'web' }, { hash: '1', app: 'db' }])!;
    expect(s.key).toBe(JSON.stringify(['workload', [['app', 'db'], ['hash', '1']]]));
    expect(samples.map((l) => s.matcher(l))).toEqual([false, false, false, true, false, false]);
  });

  it('has nothing to match with no labels', () => {
    expect(workloadSelector([{}])).toBeUndefined();
  });
});

describe('WorkloadSelectorMemo', () => {
  it('answers as workloadSelector does, for frozen selectors and for selectors changed in place', () => {
    const pool = [{ app: 'web' }, { app: 'web', hash: '1' }, { hash: '2' }].map((s) => Object.freeze(s));
    const mutable: Record<string, string> = { app: 'web' };
    const pick = fc.integer({ min: 0, max: pool.length }).map((i): MapSelector => pool[i] ?? mutable);
    const step = fc.tuple(fc.array(pick, { minLength: 1, maxLength: 3 }), fc.constantFrom('web', 'db'));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), (steps) => {
        const memo = new WorkloadSelectorMemo();
        for (const [selectors, app] of steps) {
          mutable['app'] = app;
          expect(observe(memo.selectorFor(selectors))).toEqual(observe(workloadSelector(selectors)));
        }
      }),
    );
  });

  it('merges the same frozen selectors only once', () => {
    const memo = new WorkloadSelectorMemo();
    const selectors = [Object.freeze({ app: 'web' }), Object.freeze({ hash: '1' })];
    expect(memo.selectorFor(selectors)).toBe(memo.selectorFor([...selectors]));
  });
});
