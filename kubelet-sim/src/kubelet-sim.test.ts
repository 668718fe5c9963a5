import { afterEach, describe, expect, it } from 'vitest';
import { FakeClient, seededRandom, VirtualClock } from '@kubesim/shared';
import { startKubeletSim } from './kubelet-sim.ts';
import type { KubeletSim } from './kubelet-sim.ts';
import { leaseType, nodeType, podType } from './types.ts';
import type { Container, Lease, Node, Pod } from './types.ts';

const T0 = Date.UTC(2025, 0, 1);
let running: KubeletSim[] = [];

afterEach(async () => {
  for (const k of running) await k.stop();
  running = [];
});

async function setup(nodes: number | string = 2, serve = false) {
  const clock = new VirtualClock(T0);
  const client = new FakeClient({ clock });
  const sim = await startKubeletSim({ client, clock, random: seededRandom(7), nodes, serve });
  running.push(sim);
  await clock.advance(0);
  await sim.whenRegistered();
  await clock.advance(0);
  return { clock, client, sim };
}

function pod(name: string, node: string, containers: Array<Partial<Container>>, extra: { annotations?: Record<string, string>; spec?: Partial<Pod['spec']> } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', annotations: { 'kubesim.io/image-pull-seconds': '0', ...extra.annotations } },
    spec: { nodeName: node, containers: containers.map((c, i) => ({ name: i ? `c${i}` : 'app', image: 'nginx:1.27', ...c })), ...extra.spec },
  };
}

const getPod = (client: FakeClient, name: string) => client.get(podType, name, { namespace: 'default' });

describe('startKubeletSim: nodes', () => {
  it('registers each node Ready, as a kubelet writes it, with a Lease', async () => {
    const { client } = await setup(3);
    const nodes = (await client.list(nodeType)).items;
    expect(nodes.map((n) => n.metadata.name)).toEqual(['kubesim-node-0', 'kubesim-node-1', 'kubesim-node-2']);
    const n = nodes[1]!;
    expect(n.spec?.podCIDR).toBe('10.244.1.0/24');
    expect(n.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'kubesim-node-1', 'topology.kubernetes.io/zone': 'zone-b' });
    expect(n.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    expect(n.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0', containerRuntimeVersion: 'kubesim://0.1.0' });
    expect(n.status?.addresses).toEqual([{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'kubesim-node-1' }]);
    const lease = await client.get(leaseType, 'kubesim-node-1', { namespace: 'kube-node-lease' });
    expect(lease.spec).toMatchObject({ holderIdentity: 'kubesim-node-1', leaseDurationSeconds: 40 });
    expect(lease.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'kubesim-node-1', uid: n.metadata.uid });
  });

  it('renews leases every 10 s and writes unchanged node status only every 5 minutes', async () => {
    const { clock, client } = await setup(1);
    const renew = async () => (await client.get(leaseType, 'kubesim-node-0', { namespace: 'kube-node-lease' })).spec.renewTime;
    const heartbeat = async () => (await client.get(nodeType, 'kubesim-node-0')).status?.conditions?.[0]?.lastHeartbeatTime;
    const firstBeat = await heartbeat();
    await clock.advance(10_000);
    expect(await renew()).toBe('2025-01-01T00:00:10.000000Z');
    await clock.advance(60_000);
    expect(await renew()).toBe('2025-01-01T00:01:10.000000Z');
    expect(await heartbeat()).toBe(firstBeat);
    await clock.advance(240_000);
    expect(await heartbeat()).toBe('2025-01-01T00:05:00Z');
  });

  it('stops heartbeats when a node is stopped and resumes them on start', async () => {
    const { clock, client, sim } = await setup(2);
    sim.nodes.stop('kubesim-node-0');
    await clock.advance(30_000);
    const lease = (n: string) => client.get(leaseType, n, { namespace: 'kube-node-lease' }) as Promise<Lease>;
    expect((await lease('kubesim-node-0')).spec.renewTime).toBe('2025-01-01T00:00:00.000000Z');
    expect((await lease('kubesim-node-1')).spec.renewTime).toBe('2025-01-01T00:00:30.000000Z');
    await sim.nodes.start('kubesim-node-0');
    expect((await lease('kubesim-node-0')).spec.renewTime).toBe('2025-01-01T00:00:30.000000Z');
    expect(sim.nodes.get('kubesim-node-0')).toMatchObject({ running: true, registered: true });
  });

  it('reports a forced condition at once and clears it', async () => {
    const { clock, client, sim } = await setup(1);
    sim.nodes.setCondition('kubesim-node-0', { type: 'Ready', status: 'False' });
    await clock.advance(0);
    let ready = (await client.get(nodeType, 'kubesim-node-0')).status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    sim.nodes.clearCondition('kubesim-node-0', 'Ready');
    await clock.advance(0);
    ready = (await client.get(nodeType, 'kubesim-node-0')).status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'True', reason: 'KubeletReady', lastTransitionTime: '2025-01-01T00:00:00Z' });
  });

  it('stops a node whose Node object was deleted, and registers it again on start', async () => {
    const { clock, client, sim } = await setup(2);
    await client.delete(nodeType, 'kubesim-node-0');
    await clock.advance(30_000);
    expect(sim.nodes.get('kubesim-node-0')?.running).toBe(false);
    await expect(client.get(nodeType, 'kubesim-node-0')).rejects.toThrow(/not found/);
    await sim.nodes.start('kubesim-node-0');
    expect((await client.get(nodeType, 'kubesim-node-0')).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('honours NoExecute taints added to the Node after registration', async () => {
    const { clock, client } = await setup(1);
    await client.patch(nodeType, 'kubesim-node-0', { spec: { taints: [{ key: 'maintenance', effect: 'NoExecute' }] } }, { type: 'merge' });
    await clock.advance(0);
    await client.create(podType, pod('late', 'kubesim-node-0', [{}]));
    await clock.advance(200);
    expect((await getPod(client, 'late')).status).toMatchObject({ phase: 'Failed', reason: 'TaintToleration' });
  });

  it('adopts an existing Node of the same name and keeps its podCIDR', async () => {
    const clock = new VirtualClock(T0);
    const client = new FakeClient({ clock });
    await client.create(nodeType, { metadata: { name: 'kubesim-node-0' }, spec: { podCIDR: '10.244.77.0/24' } } as Node);
    const sim = await startKubeletSim({ client, clock, random: seededRandom(1), nodes: 1, serve: false });
    running.push(sim);
    await clock.advance(0);
    await sim.whenRegistered();
    // the Node came with the node list: no create that fails first; the Lease is created
    expect(client.calls.create).toBe(2);
    await client.create(podType, pod('p', 'kubesim-node-0', [{}]));
    await clock.advance(100);
    expect((await getPod(client, 'p')).status?.podIP).toBe('10.244.77.2');
  });
});

describe('startKubeletSim: restart', () => {
  it('adopts its Nodes and renews their Leases from one list, and runs pods before the first heartbeats are written', async () => {
    const clock = new VirtualClock(T0);
    const client = new FakeClient({ clock });
    const first = await startKubeletSim({ client, clock, random: seededRandom(1), nodes: 3, serve: false });
    await clock.advance(0);
    await first.whenRegistered();
    await first.stop();
    await client.create(podType, pod('p', 'kubesim-node-2', [{}]));
    const before = { ...client.calls };
    const sim = await startKubeletSim({ client, clock, random: seededRandom(2), nodes: 3, serve: false, events: false });
    running.push(sim);
    await clock.advance(0);
    await sim.whenRegistered();
    // no Node create or GET, no Lease GET: the node list and one Lease list; then a status
    // patch and a Lease update per node
    expect(client.calls.create - before.create).toBe(0);
    expect(client.calls.get - before.get).toBe(0);
    expect(client.calls.update - before.update).toBe(3);
    const lease = await client.get(leaseType, 'kubesim-node-2', { namespace: 'kube-node-lease' });
    expect(lease.spec.holderIdentity).toBe('kubesim-node-2');
    await clock.advance(100);
    expect((await getPod(client, 'p')).status?.phase).toBe('Running');
  });

  it('registers the Node again when its Lease list is stale (someone renewed a Lease since)', async () => {
    const clock = new VirtualClock(T0);
    const client = new FakeClient({ clock });
    const first = await startKubeletSim({ client, clock, random: seededRandom(1), nodes: 1, serve: false });
    await clock.advance(0);
    await first.whenRegistered();
    await first.stop();
    const sim = await startKubeletSim({ client, clock, random: seededRandom(2), nodes: 1, serve: false });
    running.push(sim);
    // between the list and the renewal, another writer renews the Lease: the update conflicts
    const l = await client.get(leaseType, 'kubesim-node-0', { namespace: 'kube-node-lease' });
    await client.update(leaseType, { ...l, spec: { ...l.spec, renewTime: '2025-01-01T00:00:00.500000Z' } }, { namespace: 'kube-node-lease' });
    await clock.advance(10_000);
    await sim.whenRegistered();
    const lease = await client.get(leaseType, 'kubesim-node-0', { namespace: 'kube-node-lease' });
    expect(lease.spec.renewTime).toBe('2025-01-01T00:00:10.000000Z');
    expect(sim.nodes.get('kubesim-node-0')).toMatchObject({ running: true, registered: true });
  });
});

describe('startKubeletSim: pods', () => {
  it('runs a bound pod to Running with an IP from its node and ignores pods of other nodes', async () => {
    const { clock, client, sim } = await setup(2);
    await client.create(podType, pod('web', 'kubesim-node-1', [{}]));
    await client.create(podType, pod('elsewhere', 'some-other-node', [{}]));
    await clock.advance(100);
    const p = await getPod(client, 'web');
    expect(p.status).toMatchObject({ phase: 'Running', podIP: '10.244.1.2', hostIP: '127.0.0.1', qosClass: 'BestEffort' });
    expect(p.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True',
    ]);
    expect((await getPod(client, 'elsewhere')).status).toBeUndefined();
    expect(sim.stats().pods).toBe(1);
  });

  it('writes Ready=True again after someone else marked its running pod not ready (node lifecycle), and only then', async () => {
    const { clock, client, sim } = await setup(1);
    await client.create(podType, pod('web', 'kubesim-node-0', [{}]));
    await clock.advance(100);
    const ready = async () => (await getPod(client, 'web')).status?.conditions?.find((c) => c.type === 'Ready')?.status;
    expect(await ready()).toBe('True');
    const writes = sim.stats().statusPatches;
    // a label change by someone else is not a status change: nothing is written
    await client.patch(podType, 'web', { metadata: { labels: { tier: 'front' } } }, { type: 'merge', namespace: 'default' });
    await clock.advance(1_000);
    expect(sim.stats().statusPatches).toBe(writes);
    // what the node lifecycle controller does to the pods of a NotReady node
    const conditions = (await getPod(client, 'web')).status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False' } : c));
    await client.patch(podType, 'web', { status: { conditions } }, { type: 'merge', namespace: 'default', subresource: 'status' });
    expect(await ready()).toBe('False');
    await clock.advance(200);
    expect(await ready()).toBe('True');
    expect(sim.stats()).toMatchObject({ statusPatches: writes + 1, statusReconciled: 1 });
  });

  it('rejects a pod that does not fit allocatable with OutOfcpu', async () => {
    const { clock, client } = await setup(1);
    await client.create(podType, pod('big', 'kubesim-node-0', [{ resources: { requests: { cpu: '8' } } }]));
    await clock.advance(200);
    expect((await getPod(client, 'big')).status).toMatchObject({
      phase: 'Failed',
      reason: 'OutOfcpu',
      message: "Pod was rejected: Node didn't have enough resource: cpu, requested: 8000, used: 0, capacity: 4000",
    });
  });

  it('deletes a gracefully deleted pod once its containers stopped', async () => {
    const { clock, client } = await setup(1);
    await client.create(podType, pod('sleeper', 'kubesim-node-0', [{ command: ['sleep', 'infinity'] }]));
    await clock.advance(100);
    expect((await getPod(client, 'sleeper')).status?.phase).toBe('Running');
    await client.patch(podType, 'sleeper', { metadata: { deletionTimestamp: '2025-01-01T00:00:01Z', deletionGracePeriodSeconds: 5 } }, { type: 'merge', namespace: 'default' });
    await clock.advance(4_000);
    expect((await getPod(client, 'sleeper')).status?.phase).toBe('Running');
    await clock.advance(1_200);
    await expect(getPod(client, 'sleeper')).rejects.toThrow(/not found/);
  });

  it('writes Events through the recorder', async () => {
    const { clock, client } = await setup(1);
    await client.create(podType, pod('ev', 'kubesim-node-0', [{}]));
    await clock.advance(100);
    const events = (await client.list({ group: '', version: 'v1', kind: 'Event', resource: 'events', singular: 'event', namespaced: true, shortNames: [], categories: [], subresources: [] })).items as unknown as Array<{ reason: string; source: { component: string; host: string } }>;
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Pulling', 'Pulled', 'Created', 'Started']));
    expect(events[0]!.source).toEqual({ component: 'kubelet', host: 'kubesim-node-0' });
  });

  it('freezes the pods of a stopped node and picks them up again when it starts', async () => {
    const { clock, client, sim } = await setup(1);
    await client.create(podType, pod('job', 'kubesim-node-0', [{ command: ['sleep', '30'] }], { spec: { restartPolicy: 'Never' } }));
    await clock.advance(1000);
    sim.nodes.stop('kubesim-node-0');
    await clock.advance(60_000);
    expect((await getPod(client, 'job')).status?.phase).toBe('Running'); // last status kept
    await client.patch(podType, 'job', { metadata: { deletionTimestamp: '2025-01-01T00:01:01Z', deletionGracePeriodSeconds: 30 } }, { type: 'merge', namespace: 'default' });
    await clock.advance(10_000);
    expect((await getPod(client, 'job')).metadata.deletionTimestamp).toBeDefined(); // nobody deletes it
    await sim.nodes.start('kubesim-node-0');
    await clock.advance(200);
    // the container had finished during the outage (sleep 30 from t=0): the pod goes at once
    await expect(getPod(client, 'job')).rejects.toThrow(/not found/);
  });

  it('takes node pools as YAML', async () => {
    const { client } = await setup(`pools:\n  - namePrefix: big\n    count: 2\n    capacity: { cpu: "16" }\n`);
    const nodes = (await client.list(nodeType)).items;
    expect(nodes.map((n) => [n.metadata.name, n.status?.capacity?.cpu])).toEqual([['big-0', '16'], ['big-1', '16']]);
  });

  it('continues running pods after a restart of kubelet-sim', async () => {
    const { clock, client, sim } = await setup(1);
    await client.create(podType, pod('job', 'kubesim-node-0', [{ command: ['sleep', '60'] }], { spec: { restartPolicy: 'Never' } }));
    await clock.advance(10_000);
    const before = await getPod(client, 'job');
    await sim.stop();
    const again = await startKubeletSim({ client, clock, random: seededRandom(8), nodes: 1, serve: false });
    running.push(again);
    await clock.advance(0);
    await again.whenRegistered();
    await clock.advance(100);
    const mid = await getPod(client, 'job');
    expect(mid.status?.podIP).toBe(before.status?.podIP);
    expect(mid.status?.containerStatuses?.[0]?.state?.running?.startedAt).toBe(before.status?.containerStatuses?.[0]?.state?.running?.startedAt);
    await clock.advance(50_000);
    expect((await getPod(client, 'job')).status?.phase).toBe('Succeeded');
  });
});
