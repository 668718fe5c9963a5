import { describe, expect, it } from 'vitest';
import { seededRandom, VirtualClock } from '@kubesim/shared';
import { renderExplanation } from './explain/render.ts';
import { Scheduler } from './scheduler.ts';
import type { SchedulerOptions } from './scheduler.ts';
import { bindPod, makeNode, makePod } from './testing/builders.ts';
import { FakeCluster } from './testing/fake-cluster.ts';

function setup(opts: Partial<SchedulerOptions> = {}) {
  const clock = new VirtualClock(Date.parse('2025-01-01T00:00:00Z'));
  const cluster = new FakeCluster();
  const scheduler = new Scheduler({ clock, random: seededRandom(1), client: cluster.client, ...opts });
  cluster.attach(scheduler);
  return { clock, cluster, scheduler };
}

const eventsFor = (c: FakeCluster, name: string) => c.events.filter((e) => e.name === name).map((e) => `${e.type} ${e.reason}: ${e.message}`);

describe('Scheduler', () => {
  it('binds a pod and reports it with a Scheduled event from default-scheduler', async () => {
    const { cluster, scheduler } = setup();
    cluster.addNode(makeNode('node-1'));
    cluster.addPod(makePod('web-abc', { cpu: '100m' }));
    await scheduler.drain();
    expect(cluster.pod('default', 'web-abc')?.spec?.nodeName).toBe('node-1');
    expect(cluster.events).toContainEqual(expect.objectContaining({ reason: 'Scheduled', message: 'Successfully assigned default/web-abc to node-1', source: 'default-scheduler' }));
  });

  it("explains a pod that fits nowhere in kube-scheduler's words, as event and condition", async () => {
    const { cluster, scheduler } = setup();
    cluster.addNode(makeNode('node-1', { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] }));
    cluster.addNode(makeNode('node-2', { cpu: '1' }));
    cluster.addNode(makeNode('node-3', { cpu: '1' }));
    cluster.addPod(makePod('big', { cpu: '2' }));
    await scheduler.drain();
    const msg =
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    expect(eventsFor(cluster, 'big')).toEqual([`Warning FailedScheduling: ${msg}`]);
    expect(cluster.pod('default', 'big')?.status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg, lastProbeTime: null, lastTransitionTime: '2025-01-01T00:00:00Z' },
    ]);
    expect(scheduler.queue.where('default/big')).toBe('unschedulable');
  });

  it('schedules pending pods as soon as a node appears', async () => {
    const { cluster, scheduler, clock } = setup();
    for (let i = 0; i < 3; i++) cluster.addPod(makePod(`p${i}`, { cpu: '1' }));
    await scheduler.drain();
    expect(eventsFor(cluster, 'p0')).toEqual(['Warning FailedScheduling: no nodes available to schedule pods']);
    cluster.addNode(makeNode('late', { cpu: '4' }));
    await clock.advance(1000); // the pods are still backing off from their first attempt
    await scheduler.drain();
    expect([...cluster.assignments().values()]).toEqual(['late', 'late', 'late']);
  });

  it('never overcommits a node in a burst, because assumed pods count at once', async () => {
    const { cluster, scheduler } = setup();
    cluster.addNode(makeNode('n1', { cpu: '4' }));
    cluster.addNode(makeNode('n2', { cpu: '4' }));
    for (let i = 0; i < 10; i++) cluster.addPod(makePod(`p${i}`, { cpu: '1' }));
    // schedule everything before any binding completes
    while (scheduler.scheduleNext()) {
      // keep going
    }
    await scheduler.flushBindings();
    const perNode = new Map<string, number>();
    for (const n of cluster.assignments().values()) perNode.set(n, (perNode.get(n) ?? 0) + 1);
    expect(perNode).toEqual(new Map([['n1', 4], ['n2', 4]]));
    expect(cluster.events.filter((e) => e.reason === 'FailedScheduling')).toHaveLength(2);
  });

  it('preempts lower-priority pods, nominates the node and binds the preemptor when room appears', async () => {
    const { cluster, scheduler, clock } = setup();
    cluster.addNode(makeNode('n1', { cpu: '2' }));
    cluster.addPod(bindPod(makePod('batch-a', { cpu: '1', priority: 0, startTime: '2025-01-01T00:00:00Z' }), 'n1'));
    cluster.addPod(bindPod(makePod('batch-b', { cpu: '1', priority: 0, startTime: '2024-12-31T00:00:00Z' }), 'n1'));
    cluster.addPod(makePod('web', { cpu: '1', priority: 1000 }));
    await scheduler.drain();
    // batch-a started later, so it is the less important one and goes
    expect(cluster.pod('default', 'batch-a')).toBeUndefined();
    expect(cluster.pod('default', 'batch-b')).toBeDefined();
    expect(eventsFor(cluster, 'batch-a')).toEqual(['Normal Preempted: Preempted by pod uid-default-web on node n1']);
    expect(scheduler.explain('default', 'web')?.preemption).toEqual(expect.objectContaining({ nominatedNodeName: 'n1', victims: ['default/batch-a'] }));
    await clock.advance(1000);
    await scheduler.drain();
    expect(cluster.pod('default', 'web')?.spec?.nodeName).toBe('n1');
  });

  it('keeps the room preemption freed for the nominated pod', async () => {
    const { cluster, scheduler } = setup();
    cluster.addNode(makeNode('n1', { cpu: '1' }));
    cluster.addPod(makePod('web', { cpu: '1', priority: 1000, nominatedNodeName: 'n1' }));
    cluster.addPod(makePod('low', { cpu: '1', priority: 0 }));
    // only the low-priority pod is tried; web is nominated and waiting
    scheduler.queue.delete('default/web');
    cluster.pods.delete('default/web');
    scheduler.queue.nominator.add(scheduler.podInfo(makePod('web', { cpu: '1', priority: 1000 })), 'n1');
    await scheduler.drain();
    expect(cluster.pod('default', 'low')?.spec?.nodeName).toBeUndefined();
    expect(scheduler.explain('default', 'low')?.rejectedNodes[0]?.reasons).toEqual(['Insufficient cpu']);
  });

  it('retries pods that found a node full once a nomination there is withdrawn', async () => {
    const { cluster, scheduler, clock } = setup();
    cluster.addNode(makeNode('n1', { cpu: '1' }));
    cluster.addPod(makePod('web', { cpu: '1', priority: 1000, nominatedNodeName: 'n1', schedulingGates: ['hold'] }));
    cluster.addPod(makePod('low', { cpu: '1', priority: 1000 }));
    await scheduler.drain();
    expect(scheduler.queue.where('default/low')).toBe('unschedulable');
    // the nominated pod is withdrawn: its status loses the nomination
    const web = cluster.pod('default', 'web')!;
    cluster.addPod({ ...web, status: { ...web.status, nominatedNodeName: undefined } });
    expect(scheduler.queue.where('default/low')).toBe('backoff');
    await clock.advance(1000);
    await scheduler.drain();
    expect(cluster.pod('default', 'low')?.spec?.nodeName).toBe('n1');
  });

  it('does not preempt for a pod with preemptionPolicy Never', async () => {
    const { cluster, scheduler } = setup();
    cluster.addNode(makeNode('n1', { cpu: '1' }));
    cluster.addPod(bindPod(makePod('batch', { cpu: '1', priority: 0 }), 'n1'));
    cluster.addPod(makePod('web', { cpu: '1', priority: 1000, preemptionPolicy: 'Never' }));
    await scheduler.drain();
    expect(cluster.pod('default', 'batch')).toBeDefined();
    expect(eventsFor(cluster, 'web')).toEqual(['Warning FailedScheduling: 0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.']);
  });

  it('says when no victims could help', async () => {
    const { cluster, scheduler } = setup();
    cluster.addNode(makeNode('n1', { cpu: '1' }));
    cluster.addPod(bindPod(makePod('vip', { cpu: '1', priority: 5000 }), 'n1'));
    cluster.addPod(makePod('web', { cpu: '1', priority: 1000 }));
    await scheduler.drain();
    expect(eventsFor(cluster, 'web')).toEqual([
      'Warning FailedScheduling: 0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    ]);
  });

  it('forgets the assumption when binding fails and retries after backoff', async () => {
    const { cluster, scheduler, clock } = setup();
    cluster.addNode(makeNode('n1', { cpu: '1' }));
    cluster.failBindings = 1;
    cluster.addPod(makePod('p', { cpu: '1' }));
    await scheduler.drain();
    expect(scheduler.cache.get('n1')!.requested.milliCPU).toBe(0);
    expect(scheduler.queue.where('default/p')).toBe('backoff');
    expect(eventsFor(cluster, 'p')).toEqual(['Warning FailedScheduling: running Bind plugin "DefaultBinder": binding rejected by test']);
    await clock.advance(1000);
    await scheduler.drain();
    expect(cluster.pod('default', 'p')?.spec?.nodeName).toBe('n1');
  });

  it('serves each profile its own pods and ignores pods for other schedulers', async () => {
    const config = { profiles: [{ schedulerName: 'default-scheduler' }, { schedulerName: 'bin-packing', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] }] };
    const { cluster, scheduler } = setup({ config });
    cluster.addNode(makeNode('empty', { cpu: '4' }));
    cluster.addNode(makeNode('busy', { cpu: '4' }));
    cluster.addPod(bindPod(makePod('filler', { cpu: '2', memory: '16Gi' }), 'busy'));
    cluster.addPod(makePod('spread', { cpu: '500m', memory: '1Gi' }));
    cluster.addPod(makePod('packed', { cpu: '500m', memory: '1Gi', schedulerName: 'bin-packing' }));
    cluster.addPod(makePod('foreign', { schedulerName: 'someone-else' }));
    await scheduler.drain();
    expect(cluster.pod('default', 'spread')?.spec?.nodeName).toBe('empty');
    expect(cluster.pod('default', 'packed')?.spec?.nodeName).toBe('busy');
    expect(cluster.pod('default', 'foreign')?.spec?.nodeName).toBeUndefined();
    expect(scheduler.explain('default', 'packed')?.profile).toBe('bin-packing');
  });

  it('walks nodes round-robin: the next cycle starts where the last one stopped', async () => {
    const { cluster, scheduler } = setup({ config: { percentageOfNodesToScore: 50 } });
    for (let i = 0; i < 200; i++) cluster.addNode(makeNode(`n${String(i).padStart(3, '0')}`));
    cluster.addPod(makePod('a'));
    cluster.addPod(makePod('b'));
    await scheduler.drain();
    const a = scheduler.explain('default', 'a')!;
    const b = scheduler.explain('default', 'b')!;
    expect(a.nodes).toEqual(expect.objectContaining({ total: 200, toFind: 100, evaluated: 100, startIndex: 0 }));
    expect(b.nodes.startIndex).toBe(100);
  });

  it('explains a decision as JSON and as a readable table', async () => {
    const { cluster, scheduler } = setup();
    cluster.addNode(makeNode('node-1', { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] }));
    cluster.addNode(makeNode('node-2'));
    cluster.addNode(makeNode('node-3'));
    cluster.addPod(bindPod(makePod('filler', { cpu: '2' }), 'node-3'));
    cluster.addPod(makePod('web-abc', { cpu: '100m' }));
    await scheduler.drain();
    const e = scheduler.explain('default', 'web-abc')!;
    expect(e.outcome).toBe('Scheduled');
    expect(e.node).toBe('node-2');
    expect(e.feasibleNodes.sort()).toEqual(['node-2', 'node-3']);
    expect(e.rejectedNodes).toEqual([{
      node: 'node-1',
      plugin: 'TaintToleration',
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) had untolerated taint {dedicated: infra}'],
    }]);
    const top = e.score!.nodes[0]!;
    expect(top).toEqual(expect.objectContaining({ node: 'node-2', chosen: true }));
    expect(top.plugins['TaintToleration']).toEqual({ raw: 0, normalized: 100, weighted: 300 });
    const text = renderExplanation(e);
    expect(text).toContain('Pod default/web-abc: scheduled on node-2');
    expect(text).toMatch(/node-1\s+rejected\s+TaintToleration\s+node\(s\) had untolerated taint \{dedicated: infra\}/);
    expect(text).toContain('node-2 ◀');
  });

  it('explains a gated pod before it is ever tried', () => {
    const { cluster, scheduler } = setup();
    cluster.addPod(makePod('held', { schedulingGates: ['example.com/quota'] }));
    expect(scheduler.explain('default', 'held')).toEqual(expect.objectContaining({ outcome: 'Gated', message: 'waiting for scheduling gates: [example.com/quota]' }));
  });

  it('runs by itself once started, on the injected clock', async () => {
    const { cluster, scheduler, clock } = setup();
    scheduler.start();
    cluster.addNode(makeNode('n1'));
    cluster.addPod(makePod('p'));
    await clock.runUntilIdle({ maxTime: 5000 });
    await scheduler.stop();
    expect(cluster.pod('default', 'p')?.spec?.nodeName).toBe('n1');
  });
});
