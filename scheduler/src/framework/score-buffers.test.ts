import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@kubesim/shared';
import { SchedulerCache } from '../cache/cache.ts';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import { testFramework } from '../testing/test-framework.ts';
import { CycleState } from './cycle-state.ts';
import { Framework } from './framework.ts';
import { newPodInfo } from './pod-info.ts';
import type { PodInfo } from './pod-info.ts';
import { ScoreBuffers } from './score-buffers.ts';

describe('ScoreBuffers', () => {
  it('hands out zeroed arrays of the asked length, reusing a buffer given back', () => {
    const b = new ScoreBuffers();
    const first = b.take(10);
    first.fill(7);
    b.give(first.subarray(3, 5));
    expect(b.idle).toBe(1);
    const again = b.take(8);
    expect(again.buffer).toBe(first.buffer);
    expect([...again]).toEqual(new Array(8).fill(0));
    expect(b.idle).toBe(0);
  });

  it('allocates when no idle buffer is big enough, dropping the ones too small, and keeps a bounded number', () => {
    const b = new ScoreBuffers(2);
    const small = b.take(4);
    b.give(small);
    const big = b.take(100);
    expect(big.buffer).not.toBe(small.buffer);
    expect(b.idle).toBe(0);
    b.give(big);
    expect(b.take(50).buffer).toBe(big.buffer);
    for (let i = 0; i < 5; i++) b.give(new ScoreBuffers().take(4));
    expect(b.idle).toBe(2);
  });

  it('ignores a buffer given back twice', () => {
    const b = new ScoreBuffers();
    const a = b.take(4);
    b.give(a);
    b.give(a);
    expect(b.idle).toBe(1);
  });
});


function framework(cache: SchedulerCache, scoreBuffers: ScoreBuffers): Framework {
  return testFramework({ cache, scoreBuffers, listers: { workloadSelectorsFor: (pod) => (pod.metadata.labels?.['app'] ? [{ app: pod.metadata.labels['app'] }] : undefined) } });
}

describe('Framework.runScorePlugins with recycled buffers', () => {
  it('gives the same raw, normalized and total scores from a reused (dirty) buffer as from a fresh one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 8 }), zone: fc.constantFrom('a', 'b', 'c'), soft: fc.boolean(), image: fc.boolean() }), { minLength: 2, maxLength: 12 }),
        fc.array(fc.record({ node: fc.nat(), app: fc.constantFrom('web', 'db'), milli: fc.integer({ min: 0, max: 900 }) }), { maxLength: 30 }),
        fc.constantFrom('web', 'db'),
        (nodeSpecs, podSpecs, app) => {
          const cache = new SchedulerCache(new VirtualClock());
          const nodes = nodeSpecs.map((n, i) =>
            cache.addNode(
              makeNode(`n${i}`, {
                cpu: String(n.cpu),
                zone: n.zone,
                ...(n.soft ? { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] } : {}),
                ...(n.image ? { images: [{ names: ['nginx:1.25'], sizeBytes: 300 * 1024 * 1024 }] } : {}),
              }),
            ),
          );
          podSpecs.forEach((p, i) => {
            const node = `n${p.node % nodes.length}`;
            cache.addOrUpdatePod(newPodInfo(bindPod(makePod(`e${i}`, { labels: { app: p.app }, ...(p.milli ? { cpu: `${p.milli}m` } : {}) }), node)), node);
          });
          const incoming: PodInfo = newPodInfo(makePod('new', { labels: { app }, image: 'nginx:1.25', cpu: '200m' }));
          const score = (f: Framework): ReturnType<Framework['runScorePlugins']> => {
            const state = new CycleState();
            f.runPreFilterPlugins(state, incoming, cache.list());
            f.runPreScorePlugins(state, incoming, nodes);
            return f.runScorePlugins(state, incoming, nodes);
          };
          const fresh = score(framework(cache, new ScoreBuffers()));
          const pool = new ScoreBuffers();
          const dirty = pool.take(nodes.length * 20);
          dirty.fill(12345);
          pool.give(dirty);
          const reused = score(framework(cache, pool));
          expect(reused.totals.buffer).toBe(dirty.buffer);
          expect([...reused.totals]).toEqual([...fresh.totals]);
          expect(reused.plugins.map((p) => [p.name, [...p.raw], [...p.normalized]])).toEqual(fresh.plugins.map((p) => [p.name, [...p.raw], [...p.normalized]]));
        },
      ),
      { numRuns: 60 },
    );
  });
});
