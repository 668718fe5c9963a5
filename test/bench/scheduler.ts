// `pnpm bench scheduler`: kube-scheduler's scheduler_perf "SchedulingBasic" shape, in one
// process. N nodes (4 CPU, 32Gi, 110 pods), 1,000 initial pods scheduled first, then
// 10,000 pods of 100m / 500Mi created at once and measured: pods/s (first creation → last
// binding) and per-pod latency p50/p99, both end to end (created → bound, which includes
// waiting in the queue behind the burst) and per attempt (popped → bound). The apiserver
// is the in-memory FakeCluster (bindings, events and status patches are applied at once),
// so the figures are the scheduler's own cost. On a busy machine, "pods per CPU-second"
// (process CPU time, incl. GC) is the steadier figure. Flags: --nodes 5000,500 --pods 10000
// --init 1000 --explain 500 (decisions kept for explanations; 0 turns them off)

import { performance } from 'node:perf_hooks';
import { realClock, seededRandom } from '@kubesim/shared';
import { Scheduler } from '@kubesim/scheduler';
import { FakeCluster, makeNode, makePod } from '@kubesim/scheduler/testing';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

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
  for (let i = 0; i < numNodes; i++) cluster.addNode(makeNode(`node-${i}`, { cpu: '4', memory: '32Gi', pods: 110 }));
  scheduler.start();

  for (let i = 0; i < initPods; i++) cluster.addPod(makePod(`init-${i}`, { namespace: 'init', cpu: '100m', memory: '500Mi' }));
  await finished;

  bound = 0;
  target = measuredPods;
  finished = new Promise<void>((r) => (done = r));
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < measuredPods; i++) {
    const pod = makePod(`pod-${i}`, { namespace: 'measured', cpu: '100m', memory: '500Mi' });
    created.set(`measured/pod-${i}`, performance.now());
    cluster.addPod(pod);
  }
  await finished;
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await scheduler.stop();
  e2e.sort((a, b) => a - b);
  attempt.sort((a, b) => a - b);
  const f = (n: number): string => n.toFixed(2);
  console.log(
    `SchedulingBasic ${numNodes} nodes / ${initPods} init / ${measuredPods} pods: ${Math.round(measuredPods / elapsed)} pods/s ` +
      `(${elapsed.toFixed(2)} s); e2e latency p50 ${f(pct(e2e, 50))} ms p99 ${f(pct(e2e, 99))} ms; ` +
      `attempt latency p50 ${f(pct(attempt, 50))} ms p99 ${f(pct(attempt, 99))} ms; ` +
      `${Math.round(measuredPods / cpuSeconds)} pods per CPU-second (${cpuSeconds.toFixed(2)} s CPU); failed attempts ${failed}`,
  );
}

const nodes = arg('nodes', '5000,500').split(',').map(Number);
const pods = Number(arg('pods', '10000'));
const init = Number(arg('init', '1000'));
for (const n of nodes) await run(n, init, pods);
