import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRandom, VirtualClock } from '@kubesim/shared';
import { CycleState } from './framework/cycle-state.ts';
import { Scheduler } from './scheduler.ts';
import { bindPod, makeNode, makePod } from './testing/builders.ts';
import { FakeCluster } from './testing/fake-cluster.ts';
import type { Affinity, Node, Pod, Taint, Toleration } from './types.ts';

// ---- arbitraries: small clusters with the features the default filters look at --------

const TAINTS: Taint[] = [
  { key: 'dedicated', value: 'infra', effect: 'NoSchedule' },
  { key: 'gpu', value: 'true', effect: 'NoExecute' },
  { key: 'spot', value: 'true', effect: 'PreferNoSchedule' },
];
const TOLERATIONS: Toleration[] = [{ key: 'dedicated', operator: 'Exists' }, { key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoExecute' }, { operator: 'Exists' }];

const nodeArb = fc.record({
  cpu: fc.integer({ min: 1, max: 8 }),
  memGi: fc.integer({ min: 1, max: 16 }),
  pods: fc.integer({ min: 1, max: 8 }),
  zone: fc.constantFrom('a', 'b', 'c'),
  disk: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
  taints: fc.subarray(TAINTS),
});

const podArb = fc.record({
  cpuM: fc.integer({ min: 0, max: 3000 }),
  memMi: fc.integer({ min: 0, max: 4096 }),
  app: fc.constantFrom('web', 'db', 'cache'),
  tolerations: fc.subarray(TOLERATIONS, { maxLength: 2 }),
  zoneSelector: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
  wantsSsd: fc.boolean(),
  hostPort: fc.option(fc.constant(8080), { nil: undefined }),
  antiAffinityHost: fc.boolean(),
  preferZone: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
});

type Infer<A> = A extends fc.Arbitrary<infer T> ? T : never;
type NodeSpec = Infer<typeof nodeArb>;
type PodSpec = Infer<typeof podArb>;

function buildNode(i: number, n: NodeSpec): Node {
  return makeNode(`n${i}`, { cpu: String(n.cpu), memory: `${n.memGi}Gi`, pods: n.pods, zone: n.zone, labels: n.disk ? { disk: n.disk } : {}, taints: n.taints });
}

function buildPod(i: number, p: PodSpec): Pod {
  const affinity: Affinity = {};
  if (p.wantsSsd) affinity.nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } };
  if (p.preferZone) {
    affinity.nodeAffinity = {
      ...affinity.nodeAffinity,
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [p.preferZone] }] } }],
    };
  }
  if (p.antiAffinityHost) affinity.podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: p.app } }, topologyKey: 'kubernetes.io/hostname' }] };
  return makePod(`p${i}`, {
    ...(p.cpuM ? { cpu: `${p.cpuM}m` } : {}),
    ...(p.memMi ? { memory: `${p.memMi}Mi` } : {}),
    labels: { app: p.app },
    tolerations: p.tolerations,
    ...(p.zoneSelector ? { nodeSelector: { 'topology.kubernetes.io/zone': p.zoneSelector } } : {}),
    affinity,
    ...(p.hostPort ? { hostPorts: [p.hostPort] } : {}),
  });
}

function newScheduler(seed: number, nodes: Node[]) {
  const clock = new VirtualClock(Date.parse('2025-01-01T00:00:00Z'));
  const cluster = new FakeCluster();
  const scheduler = new Scheduler({ clock, random: seededRandom(seed), client: cluster.client });
  cluster.attach(scheduler);
  for (const n of nodes) cluster.addNode(n);
  return { clock, cluster, scheduler };
}

/** every enabled filter, run against the cluster as it is now, with `pod` itself taken out */
function filterStatus(scheduler: Scheduler, pod: Pod, nodeName: string): string {
  const fwk = scheduler.frameworkFor(pod)!;
  const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
  const node = scheduler.cache.get(nodeName)!.clone();
  node.removePod(key);
  const pi = scheduler.podInfo(makePodLike(pod));
  const state = new CycleState();
  const nodes = scheduler.cache.list().map((n) => (n.name === nodeName ? node : n));
  const pre = fwk.runPreFilterPlugins(state, pi, nodes);
  if (!pre.status.isSuccess()) return `PreFilter ${pre.status.message()}`;
  const st = fwk.runFilterPlugins(state, pi, node);
  return st.isSuccess() ? 'ok' : `${st.plugin}: ${st.message()}`;
}

/** the pending form of a bound pod (affinity checks skip the pod by key) */
const makePodLike = (pod: Pod): Pod => ({ ...pod, spec: { ...pod.spec!, nodeName: undefined } });

const clusterArb = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  nodes: fc.array(nodeArb, { minLength: 1, maxLength: 12 }),
  pods: fc.array(podArb, { minLength: 1, maxLength: 40 }),
});

describe('Scheduler properties', () => {
  it('a bound pod never violates any enabled filter, and no node is overcommitted, even in a burst', async () => {
    await fc.assert(
      fc.asyncProperty(clusterArb, async ({ seed, nodes, pods }) => {
        const { cluster, scheduler } = newScheduler(seed, nodes.map((n, i) => buildNode(i, n)));
        pods.forEach((p, i) => cluster.addPod(buildPod(i, p)));
        // the whole burst is scheduled before a single binding completes
        while (scheduler.scheduleNext()) {
          // keep going
        }
        await scheduler.flushBindings();
        for (const [key, nodeName] of cluster.assignments()) {
          const [ns, name] = key.split('/');
          expect(filterStatus(scheduler, cluster.pod(ns!, name!)!, nodeName), `${key} on ${nodeName}`).toBe('ok');
        }
        for (const node of cluster.nodes.values()) {
          const name = node.metadata.name!;
          const bound = [...cluster.pods.values()].filter((p) => p.spec?.nodeName === name);
          const ni = scheduler.cache.get(name)!;
          expect(bound.length).toBeLessThanOrEqual(ni.allocatable.allowedPodNumber);
          const cpu = bound.reduce((s, p) => s + scheduler.podInfo(p).requests.milliCPU, 0);
          const mem = bound.reduce((s, p) => s + scheduler.podInfo(p).requests.memory, 0);
          expect(cpu).toBeLessThanOrEqual(ni.allocatable.milliCPU);
          expect(mem).toBeLessThanOrEqual(ni.allocatable.memory);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the chosen node has the highest total score among the feasible nodes evaluated', async () => {
    await fc.assert(
      fc.asyncProperty(clusterArb, async ({ seed, nodes, pods }) => {
        const { cluster, scheduler } = newScheduler(seed, nodes.map((n, i) => buildNode(i, n)));
        pods.forEach((p, i) => cluster.addPod(buildPod(i, p)));
        while (scheduler.scheduleNext()) {
          for (const i of pods.keys()) {
            const e = scheduler.explain('default', `p${i}`);
            if (!e?.score || e.outcome !== 'Binding') continue;
            const max = Math.max(...e.score.nodes.map((r) => r.total));
            const chosen = e.score.nodes.find((r) => r.chosen)!;
            expect(chosen.total).toBe(max);
            expect(chosen.node).toBe(e.node);
          }
        }
        await scheduler.flushBindings();
      }),
      { numRuns: 40 },
    );
  });

  it('the same seed and the same cluster give the same decisions', async () => {
    await fc.assert(
      fc.asyncProperty(clusterArb, async ({ seed, nodes, pods }) => {
        const run = async () => {
          const { cluster, scheduler } = newScheduler(seed, nodes.map((n, i) => buildNode(i, n)));
          pods.forEach((p, i) => cluster.addPod(buildPod(i, p)));
          await scheduler.drain();
          return [...cluster.assignments()].sort();
        };
        expect(await run()).toEqual(await run());
      }),
      { numRuns: 40 },
    );
  });

  it('a pod that fits somewhere is bound', async () => {
    await fc.assert(
      fc.asyncProperty(clusterArb, podArb, async ({ seed, nodes, pods }, extra) => {
        const { cluster, scheduler } = newScheduler(seed, nodes.map((n, i) => buildNode(i, n)));
        // existing pods, already placed by a first round
        pods.forEach((p, i) => cluster.addPod(buildPod(i, p)));
        await scheduler.drain();
        for (const [key] of [...cluster.pods].filter(([, p]) => !p.spec?.nodeName)) cluster.deletePod('default', key.split('/')[1]!);
        const pod = buildPod(999, extra);
        const fitsSomewhere = scheduler.cache.list().some((n) => {
          const probe = bindPod(pod, n.name);
          return filterStatus(scheduler, probe, n.name) === 'ok';
        });
        cluster.addPod(pod);
        await scheduler.drain();
        const bound = cluster.pod('default', 'p999')?.spec?.nodeName;
        if (fitsSomewhere) expect(bound, JSON.stringify(scheduler.explain('default', 'p999'))).toBeDefined();
        else expect(bound).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });
});
