// `pnpm bench kubelet-sim`: one kubelet-sim process hosting 1,000 nodes. Prints
//   1. time until every node is registered and Ready (as seen by a watch on the apiserver);
//   2. steady-state CPU (% of one core) and RSS with the nodes idle (leases every 10 s);
//   3. 10,000 pre-bound pods (pause image, 10 per node) are created while no kubelet-sim
//      runs; then a fresh kubelet-sim starts: time until all are Running (node
//      re-registration included, pod creation not), and the steady state with them running.
// Modes: `--mode http` (default) runs the apiserver as a child process (plain HTTP, memory
// store) so the CPU and RSS figures are kubelet-sim's own; `--mode inprocess` runs the
// apiserver registry in this process (figures include the apiserver); `--mode fake` uses
// shared's FakeClient, to show kubelet-sim's own throughput without an apiserver's cost.
// Flags: --nodes 1000 --timeline (progress every 0.5 s while the pods start)
// --pods 10000 --idle-seconds 20 --image registry.k8s.io/pause:3.10 --mode http|inprocess|fake
// Targets (issue 7): Ready ≤ 5 s; 10,000 pods Running ≤ 10 s; idle CPU < 10%; RSS ≤ 300 MiB.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { allResources, createHttpClient, realClock, resources, seededRandom, SharedInformer } from '@kubesim/shared';
import type { Client, KubeObject } from '@kubesim/shared';
import { startKubeletSim } from '@kubesim/kubelet-sim';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

const NODES = Number(arg('nodes', '1000'));
const PODS = Number(arg('pods', '10000'));
const IDLE_S = Number(arg('idle-seconds', '20'));
const MODE = arg('mode', 'http');
const IMAGE = arg('image', 'registry.k8s.io/pause:3.10');
const TIMELINE = process.argv.includes('--timeline');
const MiB = 1024 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Api {
  client: Client;
  observer: Client;
  stop(): Promise<void>;
}

async function inProcessApi(): Promise<Api> {
  const { Registry, createInProcessClient } = await import('@kubesim/apiserver');
  const { createMemoryStore } = await import('@kubesim/store');
  const store = createMemoryStore({ clock: realClock });
  const registry = new Registry({ store, clock: realClock, random: seededRandom(1), resources: allResources });
  await registry.start();
  return {
    client: createInProcessClient(registry, { identity: 'system:node:kubesim' }),
    observer: createInProcessClient(registry, { identity: 'system:admin' }),
    stop: () => registry.stop(),
  };
}

/** shared's in-memory FakeClient: no validation, no encoding; shows kubelet-sim's own cost */
async function fakeApi(): Promise<Api> {
  const { FakeClient } = await import('@kubesim/shared');
  const client = new FakeClient({ clock: realClock });
  return { client, observer: client, stop: async () => {} };
}

async function childApi(): Promise<Api> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubesim-bench-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'cli/src/main.ts'), 'apiserver', '--store', 'memory', '--insecure-http', '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, KUBESIM_LOG_LEVEL: 'warn' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /apiserver listening on (http:\/\/\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`apiserver exited (${code}): ${buf}`)));
  });
  child.stderr!.resume();
  const client = createHttpClient({ server: url, userAgent: 'kubesim-kubelet-sim-bench' });
  const observer = createHttpClient({ server: url, userAgent: 'kubesim-bench-observer' });
  return {
    client,
    observer,
    async stop() {
      client.close();
      observer.close();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type Obj = KubeObject & { status?: { phase?: string; conditions?: Array<{ type: string; status: string }> } };

/** count objects of a type that satisfy `pred`, from a watch; resolves `until(n)` when reached */
function counter(client: Client, type: (typeof resources)[keyof typeof resources], pred: (o: Obj) => boolean, fieldSelector?: string) {
  // the counters keep only what they read, so the process RSS is kubelet-sim's, not theirs
  const slim = <T extends KubeObject>(o: T): T => {
    const { name, namespace, resourceVersion, uid } = o.metadata;
    const st = (o as Obj).status;
    return { metadata: { name, namespace, resourceVersion, uid }, status: { phase: st?.phase, conditions: st?.conditions?.map((c) => ({ type: c.type, status: c.status })) } } as unknown as T;
  };
  const informer = new SharedInformer<Obj>({ client, type: type as never, clock: realClock, transform: slim, ...(fieldSelector ? { fieldSelector } : {}) });
  const hits = new Set<string>();
  let waiter: { n: number; resolve: () => void } | undefined;
  const see = (o: Obj): void => {
    const key = `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (pred(o)) hits.add(key);
    else hits.delete(key);
    if (waiter && hits.size >= waiter.n) waiter.resolve();
  };
  informer.addEventHandler({ onAdd: see, onUpdate: (_o, n) => see(n) });
  informer.run();
  return {
    until: (n: number) => new Promise<void>((resolve) => (hits.size >= n ? resolve() : (waiter = { n, resolve }))),
    count: () => hits.size,
    stop: () => informer.stop(),
  };
}

/** CPU (% of one core) and RSS over `seconds` */
async function steadyState(seconds: number): Promise<{ cpu: number; rss: number; heap: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rss = 0;
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    rss = Math.max(rss, process.memoryUsage().rss);
  }
  const used = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) * 1000;
  return { cpu: ((used.user + used.system) / wall) * 100, rss: rss / MiB, heap: process.memoryUsage().heapUsed / MiB };
}

const fmt = (n: number, d = 2): string => n.toFixed(d);

async function main(): Promise<void> {
  const where = MODE === 'http' ? 'the apiserver in a child process over HTTP' : MODE === 'fake' ? "shared's in-memory FakeClient (no apiserver)" : 'the apiserver registry in this process';
  console.log(`kubelet-sim bench: ${NODES} nodes, ${PODS} pods, against ${where}`);
  const api = MODE === 'inprocess' ? await inProcessApi() : MODE === 'fake' ? await fakeApi() : await childApi();
  const readyNodes = counter(api.observer, resources.nodes, (n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true);
  const rss0 = process.memoryUsage().rss / MiB;

  const t0 = performance.now();
  const sim = await startKubeletSim({ client: api.client, clock: realClock, random: seededRandom(42), nodes: NODES, httpPort: 0 });
  await sim.whenRegistered();
  const tRegistered = performance.now() - t0;
  await readyNodes.until(NODES);
  const tReady = performance.now() - t0;
  console.log(`nodes: ${NODES} registered in ${fmt(tRegistered / 1000)} s, all Ready (watch) in ${fmt(tReady / 1000)} s   [target ≤ 5 s]`);

  const idle = await steadyState(IDLE_S);
  console.log(`idle ${NODES} nodes over ${IDLE_S} s: CPU ${fmt(idle.cpu, 1)}% of one core, RSS ${fmt(idle.rss, 0)} MiB (heap ${fmt(idle.heap, 0)} MiB, process before start ${fmt(rss0, 0)} MiB)   [targets < 10%, ≤ 300 MiB]`);

  let current = sim;
  if (PODS > 0) {
    // pre-bound pods: created (spec.nodeName set) while no kubelet-sim runs, then one starts
    const names = [...sim.nodeNames];
    await sim.stop();
    const t1 = performance.now();
    let next = 0;
    const create = async (): Promise<void> => {
      for (let i = next++; i < PODS; i = next++) {
        const pod = {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `bench-${i}`, namespace: 'default', labels: { app: 'bench' } },
          spec: { nodeName: names[i % names.length], containers: [{ name: 'pause', image: IMAGE }] },
        } as KubeObject;
        await api.observer.create(resources.pods, pod, { namespace: 'default' });
      }
    };
    await Promise.all(Array.from({ length: 32 }, create));
    console.log(`pods: ${PODS} pre-bound pods created in ${fmt((performance.now() - t1) / 1000)} s (apiserver only; no kubelet-sim running)`);
    const running = counter(api.observer, resources.pods, (p) => p.status?.phase === 'Running', 'spec.nodeName!=');
    const t2 = performance.now();
    current = await startKubeletSim({ client: api.client, clock: realClock, random: seededRandom(43), nodes: NODES, httpPort: 0 });
    const sim2 = current;
    const ticker = TIMELINE
      ? setInterval(() => {
          const st = sim2.stats();
          console.log(`  ${fmt((performance.now() - t2) / 1000, 1).padStart(5)} s: nodes registered ${sim2.nodes.list().filter((n) => n.registered).length}, workers ${st.pods}, status patches ${st.statusPatches} (backlog ${st.statusBacklog}), Running (watch) ${running.count()}`);
        }, 500)
      : undefined;
    await current.whenRegistered();
    const tRereg = performance.now() - t2;
    await running.until(PODS);
    const tRunning = performance.now() - t2;
    clearInterval(ticker);
    const s = current.stats();
    console.log(`pods: kubelet-sim started with ${PODS} pre-bound pods: nodes re-registered in ${fmt(tRereg / 1000)} s, all pods Running in ${fmt(tRunning / 1000)} s   [target ≤ 10 s]`);
    console.log(`      status patches ${s.statusPatches} (${fmt(s.statusPatches / PODS)} per pod)`);
    const busy = await steadyState(IDLE_S);
    console.log(`steady ${NODES} nodes + ${PODS} running pods over ${IDLE_S} s: CPU ${fmt(busy.cpu, 1)}% of one core, RSS ${fmt(busy.rss, 0)} MiB (heap ${fmt(busy.heap, 0)} MiB)`);
    await running.stop();
  }

  await readyNodes.stop();
  await current.stop();
  await api.stop();
}

await main();
process.exit(0);
