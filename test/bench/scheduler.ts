// `pnpm bench scheduler`: kube-scheduler's scheduler_perf "SchedulingBasic" shape, in one
// process. N nodes (4 CPU, 32Gi, 110 pods), 1,000 initial pods scheduled first, then
// 10,000 pods of 100m / 500Mi created at once and measured: pods/s (first creation → last
// binding) and per-pod latency p50/p99, both end to end (created → bound, which includes
// waiting in the queue behind the burst) and per attempt (popped → bound). The apiserver
// is the in-memory FakeCluster (bindings, events and status patches are applied at once),
// so the figures are the scheduler's own cost. On a busy machine, "pods per CPU-second"
// (process CPU time, incl. GC) is the steadier figure. Flags: --nodes 5000,500 --pods 10000
// --init 1000 --explain 500 (decisions kept for explanations; 0 turns them off)
// --shape deployment: the cluster bench's shape instead (nodes in 3 zones with the pause
// image, pods of one ReplicaSet without requests, so PodTopologySpread's default
// constraints and ImageLocality score every cycle, as under `kubesim up`). --placements:
// also print a digest of every pod's node (to check that a change keeps the decisions).

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { realClock, seededRandom } from '@kubesim/shared';
import { Scheduler } from '@kubesim/scheduler';
import { FakeCluster, makeNode, makePod } from '@kubesim/scheduler/testing';
type Pod = ReturnType<typeof makePod>;

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const DEPLOYMENT = arg('shape', 'basic') === 'deployment';
const PAUSE = 'registry.k8s.io/pause:3.10';
const benchPod = (name: string, namespace: string): Pod =>
  DEPLOYMENT
    ? makePod(name, { namespace, labels: { app: 'bench', 'pod-template-hash': '5d8f7c9b4' }, image: PAUSE, spec: {} })
    : makePod(name, { namespace, cpu: '100m', memory: '500Mi' });

async function run(numNodes: number, initPods: number, measuredPods: number): Promise<void> {
  const cluster = new FakeCluster();
  const created = new Map<string, number>();
  const popped = new Map<string, number>();
  const e2e: number[] = [];
  const attempt: number[] = [];
  let bound = 0;
  let failed = 0;
  let target = initPods;
  let done: () => void = () => {};
  let finished = new Promise<void>((r) => (done = r));
  const scheduler = new Scheduler({
    clock: realClock,
    explainCapacity: Number(arg('explain', '500')),
    random: seededRandom(42),
    client: cluster.client,
    ...(DEPLOYMENT ? { listers: { workloadSelectorsFor: () => [{ app: 'bench', 'pod-template-hash': '5d8f7c9b4' }] } } : {}),
    onAttempt: (pod, outcome) => {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (outcome !== 'Scheduled') {
        failed++;
        return;
      }
      const now = performance.now();
      const c = created.get(key);
      const p = popped.get(key);
      if (c !== undefined) e2e.push(now - c);
      if (p !== undefined) attempt.push(now - p);
      if (++bound === target) done();
    },
  });
  const tryPop = scheduler.queue.tryPop.bind(scheduler.queue);
  scheduler.queue.tryPop = () => {
    const q = tryPop();
    if (q && created.size > 0) popped.set(q.podInfo.key, performance.now());
    return q;
  };
  cluster.attach(scheduler);
  for (let i = 0; i < numNodes; i++) cluster.addNode(makeNode(`node-${i}`, { cpu: '4', memory: '32Gi', pods: 110, ...(DEPLOYMENT ? { zone: `zone-${'abc'[i % 3]}`, images: [{ names: [PAUSE], sizeBytes: 300_000 }] } : {}) }));
  scheduler.start();

  for (let i = 0; i < initPods; i++) cluster.addPod(benchPod(`init-${i}`, 'init'));
  await finished;

  bound = 0;
  target = measuredPods;
  finished = new Promise<void>((r) => (done = r));
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < measuredPods; i++) {
    const pod = benchPod(`pod-${i}`, 'measured');
    created.set(`measured/pod-${i}`, performance.now());
    cluster.addPod(pod);
  }
  await finished;
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await scheduler.stop();
  if (process.argv.includes('--placements')) {
    // a digest of where every pod went: equal digests, equal decisions (compare two versions)
    const placed = [...cluster.pods.values()].map((p) => `${p.metadata.namespace}/${p.metadata.name}=${p.spec?.nodeName ?? ''}`).sort();
    console.log(`placements digest: ${createHash('sha256').update(placed.join('\n')).digest('hex').slice(0, 16)} (${placed.length} pods)`);
  }
  e2e.sort((a, b) => a - b);
  attempt.sort((a, b) => a - b);
  const f = (n: number): string => n.toFixed(2);
  console.log(
    `${DEPLOYMENT ? 'Deployment' : 'SchedulingBasic'} ${numNodes} nodes / ${initPods} init / ${measuredPods} pods: ${Math.round(measuredPods / elapsed)} pods/s ` +
      `(${elapsed.toFixed(2)} s); e2e latency p50 ${f(pct(e2e, 50))} ms p99 ${f(pct(e2e, 99))} ms; ` +
      `attempt latency p50 ${f(pct(attempt, 50))} ms p99 ${f(pct(attempt, 99))} ms; ` +
      `${Math.round(measuredPods / cpuSeconds)} pods per CPU-second (${cpuSeconds.toFixed(2)} s CPU); failed attempts ${failed}`,
  );
}

const nodes = arg('nodes', '5000,500').split(',').map(Number);
const pods = Number(arg('pods', '10000'));
const init = Number(arg('init', '1000'));
for (const n of nodes) await run(n, init, pods);
