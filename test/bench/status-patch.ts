// `pnpm bench status-patch [rounds] [--only nodes|pods]`: the apiserver's cost of kubelet-sim's status writes in
// process, the simulation's most expensive common writes: a node's heartbeat (its whole
// status as a merge patch on nodes/status, the conditions' heartbeat times changed) and a
// pod's status (its whole status, turning ready and not ready in turn), for 100 nodes and
// 100 pods, with a watcher of each kind sharing every state (as the components' informers
// do). The objects are taken from a small simulation. Prints µs of wall and CPU time per
// write of each kind, after a warm-up pass.
import { performance } from 'node:perf_hooks';
import { resources, VirtualClock } from '@kubesim/shared';
import type { KubeObject, Node, Pod } from '@kubesim/shared';
import { createInProcessClient } from '../../apiserver/src/registry/in-process-client.ts';
import { makeRegistry } from '../../apiserver/src/test-helpers.ts';
import { createSimulation } from '../src/index.ts';

const rounds = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 100);
const count = 100;
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
type Rec = Record<string, unknown>;

// a node and a running pod as kubelet-sim reports them
const sim = await createSimulation({ seed: 1, nodes: 1, trace: 'none', events: false });
await sim.apply({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.0', resources: { requests: { cpu: '100m' } } }] } } },
} as KubeObject);
await sim.advance('60s');
const node = (await sim.client.list(resources.nodes)).items[0]!;
const pod = (await sim.client.list(resources.pods, { namespace: 'default' })).items[0]!;
await sim.close();
const nodeStatus = node.status as Rec;
const podStatus = pod.status as Rec;

const clock = new VirtualClock(Date.UTC(2026, 0, 1));
const registry = await makeRegistry({ clock, seed: 1 });
const share = { send: (_t: string, o: { shared(): unknown }) => void o.shared(), bookmark: () => undefined, error: () => undefined, end: () => undefined };
const watches = [await registry.watch(resources.nodes, {}, share), await registry.watch(resources.pods, {}, share)];
const admin = createInProcessClient(registry, { identity: 'system:admin' });
const kubelet = createInProcessClient(registry, { identity: 'system:node:kubesim-node-0' });
for (let i = 0; i < count; i++) {
  await admin.create(resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: `n${i}`, labels: node.metadata.labels ?? {} }, spec: node.spec ?? {} } as Node);
  await admin.create(resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'default', labels: { app: 'web' } }, spec: { ...pod.spec!, nodeName: `n${i}` } } as Pod, { namespace: 'default' });
}

const stamp = (): string => new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');

/** the node's status with every condition's heartbeat now */
function heartbeat(): Rec {
  const now = stamp();
  return { ...structuredClone(nodeStatus), conditions: (nodeStatus['conditions'] as Rec[]).map((c) => ({ ...c, lastHeartbeatTime: now })) };
}

/** the pod's status, ready or not, the transition now */
function podStatusAt(ready: boolean): Rec {
  const now = stamp();
  const flag = ready ? 'True' : 'False';
  const status = structuredClone(podStatus);
  status['conditions'] = (podStatus['conditions'] as Rec[]).map((c) => (c['type'] === 'Ready' || c['type'] === 'ContainersReady' ? { ...c, status: flag, lastTransitionTime: now } : c));
  status['containerStatuses'] = (podStatus['containerStatuses'] as Rec[]).map((c) => ({ ...c, ready }));
  return status;
}

const opts = { type: 'merge' as const, subresource: 'status', answer: 'metadata' as const };
for (let pass = 0; pass < 2; pass++) {
  let nodeMs = 0;
  let podMs = 0;
  let nodeCpu = 0;
  let podCpu = 0;
  for (let r = 0; r < rounds; r++) {
    await clock.advance(10_000);
    // (the bodies are made before the clock starts: a kubelet renders them anyway)
    const heartbeats = Array.from({ length: count }, () => ({ status: heartbeat() }));
    const statuses = Array.from({ length: count }, () => ({ status: podStatusAt(r % 2 === 0) }));
    let t = performance.now();
    let c = process.cpuUsage();
    if (only !== 'pods') await Promise.all(heartbeats.map((body, i) => kubelet.patch(resources.nodes, `n${i}`, body, opts)));
    nodeMs += performance.now() - t;
    let used = process.cpuUsage(c);
    nodeCpu += used.user + used.system;
    t = performance.now();
    c = process.cpuUsage();
    if (only !== 'nodes') await Promise.all(statuses.map((body, i) => kubelet.patch(resources.pods, `p${i}`, body, { ...opts, namespace: 'default' })));
    podMs += performance.now() - t;
    used = process.cpuUsage(c);
    podCpu += used.user + used.system;
  }
  const n = rounds * count;
  const us = (ms: number): string => ((ms * 1000) / n).toFixed(1);
  if (pass === 1) {
    if (only !== 'pods') console.log(`${n} node heartbeats: ${us(nodeMs)} µs wall, ${(nodeCpu / n).toFixed(1)} µs CPU each (${JSON.stringify(heartbeat()).length} bytes of status)`);
    if (only !== 'nodes') console.log(`${n} pod status writes: ${us(podMs)} µs wall, ${(podCpu / n).toFixed(1)} µs CPU each (${JSON.stringify(podStatusAt(true)).length} bytes of status)`);
  }
}
for (const w of watches) w.stop();
await registry.stop();
