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
// --v8-defaults (by default this process runs with --heap-growing-percent=50, as `kubesim up`
// runs kubelet-sim: cli/src/up/node-flags.ts; this flag measures V8's own heap growth instead)
// --prof DIR (CPU profiles of the pods phase: this process's, and with --mode http the
// apiserver's whole run) --heap-snapshot FILE (this process, in the steady state with pods)
// Besides times, it prints per phase the CPU seconds of this process and of the apiserver
// child, and kubelet-sim's API requests by verb and resource (requests per pod matter most:
// each costs the apiserver ~0.5 ms of CPU).
// Targets (issue 7): Ready ≤ 5 s; 10,000 pods Running ≤ 10 s; idle CPU < 10%; RSS ≤ 300 MiB.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
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
const PROF_DIR = arg('prof', '');
const HEAP_SNAPSHOT = arg('heap-snapshot', '');
if (PROF_DIR) mkdirSync(PROF_DIR, { recursive: true });
// the heap growth kubelet-sim runs with under `kubesim up` (V8 reads it at every collection)
const V8_DEFAULTS = process.argv.includes('--v8-defaults');
if (!V8_DEFAULTS) setFlagsFromString('--heap-growing-percent=50');
const MiB = 1024 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Api {
  client: Client;
  observer: Client;
  /** CPU seconds used so far by the apiserver's child process (undefined unless --mode http) */
  serverCpu?: () => number;
  stop(): Promise<void>;
}

/** user + system CPU seconds of a process, from /proc (Linux) */
function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

const selfCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** the client kubelet-sim gets, counting its API calls by `verb resource[/subresource]` */
function countingClient(inner: Client): { client: Client; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const verbs: Record<string, string> = { get: 'GET', list: 'LIST', watch: 'WATCH', create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE' };
  const client = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      const verb = verbs[String(prop)] ?? String(prop);
      return (type: { resource?: string }, ...rest: unknown[]) => {
        const opts = rest[rest.length - 1] as { subresource?: string } | undefined;
        const key = `${verb} ${type?.resource ?? '?'}${opts?.subresource ? `/${opts.subresource}` : ''}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return (v as (...a: unknown[]) => unknown).call(target, type, ...rest);
      };
    },
  });
  return { client, counts };
}

function countsText(now: Map<string, number>, before: Map<string, number>, per?: number): string {
  const rows = [...now].map(([k, n]) => [k, n - (before.get(k) ?? 0)] as const).filter(([, n]) => n > 0);
  rows.sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((s, [, n]) => s + n, 0);
  return `${total}${per ? ` (${fmt(total / per)} per pod)` : ''}: ${rows.map(([k, n]) => `${k} ${n}`).join(', ')}`;
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
  const prof = PROF_DIR ? [`--cpu-prof`, `--cpu-prof-dir=${join(PROF_DIR, 'apiserver')}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...prof, '--import', 'tsx', join(root, 'cli/src/main.ts'), 'apiserver', '--store', 'memory', '--insecure-http', '--port', '0', '--data-dir', dataDir], {
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
    serverCpu: () => procCpuSeconds(child.pid ?? 0),
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
    synced: () => informer.waitForSync(),
    stop: () => informer.stop(),
  };
}

/** the heap still in use after a full collection (what kubelet-sim keeps, without garbage) */
function liveHeapMiB(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed / MiB;
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

/** CPU seconds since `from` of this process and of the apiserver child */
function cpuText(api: Api, from: { self: number; server: number }): string {
  const self = selfCpu() - from.self;
  const server = api.serverCpu ? api.serverCpu() - from.server : Number.NaN;
  return `CPU s: bench process (kubelet-sim + watch counters) ${fmt(self)}${Number.isNaN(server) ? '' : `, apiserver ${fmt(server)}`}`;
}

function cpuMark(api: Api): { self: number; server: number } {
  return { self: selfCpu(), server: api.serverCpu ? api.serverCpu() : Number.NaN };
}

async function main(): Promise<void> {
  const where = MODE === 'http' ? 'the apiserver in a child process over HTTP' : MODE === 'fake' ? "shared's in-memory FakeClient (no apiserver)" : 'the apiserver registry in this process';
  console.log(`kubelet-sim bench: ${NODES} nodes, ${PODS} pods, against ${where}${V8_DEFAULTS ? ", V8's default heap growth" : ', --heap-growing-percent=50 as under kubesim up'}`);
  const api = MODE === 'inprocess' ? await inProcessApi() : MODE === 'fake' ? await fakeApi() : await childApi();
  const { client, counts } = countingClient(api.client);
  const readyNodes = counter(api.observer, resources.nodes, (n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true);
  const rss0 = process.memoryUsage().rss / MiB;

  let mark = cpuMark(api);
  let before = new Map(counts);
  const t0 = performance.now();
  const sim = await startKubeletSim({ client, clock: realClock, random: seededRandom(42), nodes: NODES, httpPort: 0 });
  await sim.whenRegistered();
  const tRegistered = performance.now() - t0;
  await readyNodes.until(NODES);
  const tReady = performance.now() - t0;
  console.log(`nodes: ${NODES} registered in ${fmt(tRegistered / 1000)} s, all Ready (watch) in ${fmt(tReady / 1000)} s   [target ≤ 5 s]`);
  console.log(`      ${cpuText(api, mark)}; kubelet-sim requests ${countsText(counts, before)}`);

  mark = cpuMark(api);
  before = new Map(counts);
  const idle = await steadyState(IDLE_S);
  console.log(`idle ${NODES} nodes over ${IDLE_S} s: CPU ${fmt(idle.cpu, 1)}% of one core, RSS ${fmt(idle.rss, 0)} MiB (heap ${fmt(idle.heap, 0)} MiB, process before start ${fmt(rss0, 0)} MiB)   [targets < 10%, ≤ 300 MiB]`);
  console.log(`      ${cpuText(api, mark)}; kubelet-sim requests ${countsText(counts, before)}`);

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
    await running.synced(); // its initial list is not kubelet-sim's cost
    mark = cpuMark(api);
    before = new Map(counts);
    const session = PROF_DIR ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const t2 = performance.now();
    const phaseStart = process.hrtime.bigint() / 1000n;
    current = await startKubeletSim({ client, clock: realClock, random: seededRandom(43), nodes: NODES, httpPort: 0 });
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
    if (session) {
      console.log(`      pods phase, monotonic µs (to cut the apiserver's profile): ${phaseStart} ${process.hrtime.bigint() / 1000n}`);
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(PROF_DIR, 'pods-phase.cpuprofile'), JSON.stringify(profile));
      session.disconnect();
    }
    const s = current.stats();
    console.log(`pods: kubelet-sim started with ${PODS} pre-bound pods: nodes re-registered in ${fmt(tRereg / 1000)} s, all pods Running in ${fmt(tRunning / 1000)} s   [target ≤ 10 s]`);
    console.log(`      status patches ${s.statusPatches} (${fmt(s.statusPatches / PODS)} per pod); ${cpuText(api, mark)}`);
    console.log(`      kubelet-sim requests ${countsText(counts, before, PODS)}`);
    mark = cpuMark(api);
    before = new Map(counts);
    const busy = await steadyState(IDLE_S);
    console.log(`steady ${NODES} nodes + ${PODS} running pods over ${IDLE_S} s: CPU ${fmt(busy.cpu, 1)}% of one core, RSS ${fmt(busy.rss, 0)} MiB (heap ${fmt(busy.heap, 0)} MiB)`);
    console.log(`      ${cpuText(api, mark)}; kubelet-sim requests ${countsText(counts, before)}; live heap after a full GC ${fmt(liveHeapMiB(), 0)} MiB`);
    if (HEAP_SNAPSHOT) console.log(`heap snapshot: ${writeHeapSnapshot(HEAP_SNAPSHOT)}`);
    await running.stop();
  }

  await readyNodes.stop();
  await current.stop();
  await api.stop();
}

await main();
process.exit(0);
