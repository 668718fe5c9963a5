import { describe, expect, it } from 'vitest';
import { seededRandom, VirtualClock } from '@kubesim/shared';
import { Scheduler } from '../scheduler.ts';
import type { Explanation } from './decision.ts';
import { DecisionStore, toExplanation } from './decision.ts';
import { makeNode, makePod } from '../testing/builders.ts';
import { FakeCluster } from '../testing/fake-cluster.ts';

describe('DecisionStore', () => {
  it('keeps recent decisions whole and older ones trimmed to the best-scored nodes', async () => {
    const cluster = new FakeCluster();
    const scheduler = new Scheduler({ clock: new VirtualClock(0), random: seededRandom(3), client: cluster.client, explainCapacity: 30 });
    cluster.attach(scheduler);
    for (let i = 0; i < 40; i++) cluster.addNode(makeNode(`n${String(i).padStart(2, '0')}`, { cpu: String(2 + (i % 5)) }));
    for (let i = 0; i < 40; i++) cluster.addPod(makePod(`p${i}`, { cpu: '500m' }));
    await scheduler.drain();

    expect(scheduler.explain('default', 'p0')).toBeUndefined(); // beyond the capacity of 30 pods
    const old = scheduler.explain('default', 'p10')!;
    expect(old.outcome).toBe('Scheduled');
    expect(old.score!.nodes.length + old.score!.omitted).toBe(40);
    expect(old.score!.nodes.length).toBeLessThanOrEqual(26);
    const recent = scheduler.explain('default', 'p39')!;
    expect(recent.score!.nodes).toHaveLength(40);
    expect(recent.score!.omitted).toBe(0);
    for (const e of [old, recent]) {
      const totals = e.score!.nodes.map((r) => r.total);
      expect(totals).toEqual([...totals].sort((a, b) => b - a));
      expect(e.score!.nodes.find((r) => r.chosen)?.total).toBe(totals[0]);
      expect(e.feasibleNodes).toHaveLength(40);
    }
  });

  it('explains an old decision exactly as its whole record would, trimmed to the best rows', async () => {
    const cluster = new FakeCluster();
    const scheduler = new Scheduler({ clock: new VirtualClock(0), random: seededRandom(5), client: cluster.client, explainCapacity: 100 });
    cluster.attach(scheduler);
    for (let i = 0; i < 60; i++) {
      const taints = i % 4 === 1 ? [{ key: 'soft', effect: 'PreferNoSchedule' }] : i % 9 === 2 ? [{ key: 'hard', effect: 'NoSchedule' }] : undefined;
      cluster.addNode(makeNode(`n${String(i).padStart(2, '0')}`, { cpu: String(1 + (i % 6)), zone: `z${i % 3}`, ...(taints ? { taints } : {}) }));
    }
    const best25 = new Map<string, Explanation>();
    const all = new Map<string, Explanation>();
    for (let i = 0; i < 40; i++) {
      cluster.addPod(makePod(`p${i}`, { cpu: i % 7 === 3 ? '50' : `${100 + 37 * i}m`, labels: { app: i % 2 ? 'web' : 'db' } }));
      await scheduler.drain();
      const r = scheduler.decisions.get('default', `p${i}`)!;
      best25.set(`p${i}`, toExplanation(r, 25));
      all.set(`p${i}`, toExplanation(r));
    }
    let trimmed = 0;
    for (let i = 0; i < 40; i++) {
      const now = scheduler.explain('default', `p${i}`)!;
      // the newest 16 are whole; older ones keep the best 25 scored nodes and the chosen one
      expect(now).toEqual((i < 40 - 16 ? best25 : all).get(`p${i}`));
      if ((now.score?.omitted ?? 0) > 0) trimmed++;
    }
    expect(trimmed).toBeGreaterThan(0);
  });

  it('gives back the score buffer of each record it trims, once', () => {
    const released: Float64Array[] = [];
    const store = new DecisionStore(10, 3, 2, (t) => released.push(t));
    const totals = Array.from({ length: 6 }, (_, i) => new Float64Array([i, 2 * i, 3]));
    totals.forEach((t, i) =>
      store.record({
        namespace: 'default',
        name: `p${i % 4}`,
        uid: `u${i}`,
        profile: 'default-scheduler',
        attempt: 1,
        time: 0,
        outcome: 'Binding',
        attemptData: {
          numAllNodes: 3,
          numNodesToFind: 3,
          startIndex: 0,
          diagnosis: { nodeToStatus: new Map(), unschedulablePlugins: new Set() },
          feasible: [],
          skippedFilters: [],
          scores: { plugins: [], totals: t, skipped: [] },
        },
      }),
    );
    expect(released).toEqual(totals.slice(0, 3));
    expect(released[0]).toBe(totals[0]);
  });
});
