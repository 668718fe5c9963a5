import { describe, expect, it } from 'vitest';
import { seededRandom, VirtualClock } from '@kubesim/shared';
import { Scheduler } from '../scheduler.ts';
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
});
