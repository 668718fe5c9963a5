// `pnpm bench cluster`: the whole cluster as a user starts it (`kubesim up`, i.e.
// `node cli/bin/kubesim.mjs up`, each component its own process). Prints
//   1. start-up time of the default cluster (3 nodes, fresh data dir), from the command to
//      "kubesim is up" (apiserver /readyz OK, every node Ready): the median of a few runs;
//      with --compare, interleaved runs from source (KUBESIM_NO_BUNDLE=1, everything
//      through tsx, as before the bundle) in the same run;
//   2. `kubesim up --nodes 1000`, then one Deployment of 10,000 replicas: seconds until
//      all are available, with progress, and control-plane RSS: the sum over the component
//      processes of /proc/<pid>/status VmRSS (peak while it ran, and at the end).
// Flags: --startup-runs 5 --compare --nodes 1000 --replicas 10000 --timeout 180 --skip-startup --skip-scale
// --timeline: also watch the pods and print, second by second, how many were created, bound
// and Ready (one more watcher on the apiserver). --prof DIR: every process of the scale run writes a CPU profile
// into DIR (KUBESIM_NO_BUNDLE=1 runs them from source, so profiles name source files). --node-options "...":
// NODE_OPTIONS for the scale run's processes (try V8 heap flags). --up-args "...": more flags for
// the scale run's `kubesim up` (e.g. "--insecure-http"). --hold S: keep the scale run's cluster
// S seconds after the figures (to inspect it: smaps, or a heap snapshot with
// --node-options "--heapsnapshot-signal=SIGUSR2").
// Targets (issue 11): start-up ≤ 3 s; 10,000 replicas available ≤ 15 s; RSS ≤ 1 GiB.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createHttpClient, loadKubeconfig, resources } from '@kubesim/shared';
import type { Deployment, Pod } from '@kubesim/shared';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);

const STARTUP_RUNS = Number(arg('startup-runs', '5'));
const NODES = Number(arg('nodes', '1000'));
const REPLICAS = Number(arg('replicas', '10000'));
const TIMEOUT_S = Number(arg('timeout', '180'));
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LAUNCHER = join(ROOT, 'cli', 'bin', 'kubesim.mjs');
const TSX = import.meta.resolve('tsx');
const MiB = 1024 * 1024;

interface Variant {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}
const bundled: Variant = { name: 'bundle (cli/bin/kubesim.mjs)', args: [LAUNCHER], env: {} };
const fromSource: Variant = { name: 'source (tsx, KUBESIM_NO_BUNDLE=1)', args: ['--import', TSX, join(ROOT, 'cli', 'src', 'main.ts')], env: { KUBESIM_NO_BUNDLE: '1' } };

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

interface Running {
  proc: ChildProcess;
  dir: string;
  /** ms from spawn to "kubesim is up" */
  upMs: number;
  /** the figure `up` prints itself (from taking the data dir lock) */
  reportedS: number;
  output: () => string;
  stop(): Promise<void>;
}

async function startCluster(v: Variant, extra: string[], timeoutMs: number): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-'));
  const port = await freePort();
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...v.args, 'up', '--port', String(port), ...extra], {
    cwd: dir,
    env: { ...process.env, NODE_OPTIONS: '', ...v.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGINT');
      await done;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (;;) {
    const m = /kubesim is up \(([\d.]+)s\)/.exec(out);
    if (m) return { proc, dir, upMs: performance.now() - t0, reportedS: Number(m[1]), output: () => out, stop };
    if (proc.exitCode !== null || performance.now() - t0 > timeoutMs) {
      await stop();
      throw new Error(`kubesim up did not come up:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function startup(): Promise<void> {
  // One throwaway start first: it (re)builds the bundle if the sources changed, which is
  // paid once per change and is not start-up time.
  await (await startCluster(bundled, [], 120_000)).stop();
  const variants = flag('compare') ? [bundled, fromSource] : [bundled];
  const results = new Map<Variant, { wall: number[]; reported: number[] }>(variants.map((v) => [v, { wall: [], reported: [] }]));
  for (let i = 0; i < STARTUP_RUNS; i++) {
    for (const v of variants) {
      const c = await startCluster(v, [], 120_000);
      results.get(v)!.wall.push(c.upMs / 1000);
      results.get(v)!.reported.push(c.reportedS);
      await c.stop();
    }
  }
  console.log(`start-up, default cluster (3 nodes, fresh data dir), ${STARTUP_RUNS} runs each, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}:`);
  for (const [v, r] of results) {
    console.log(`  ${v.name.padEnd(36)} command to ready: median ${median(r.wall).toFixed(2)} s (${r.wall.map((x) => x.toFixed(2)).join(', ')}); as printed by up: median ${median(r.reported).toFixed(1)} s`);
  }
}

/** a watch on the bench's pods that notes when each was created, bound and became Ready */
async function watchPods(client: ReturnType<typeof createHttpClient>): Promise<{ lines(t0: number): string[]; stop(): void }> {
  const list = await client.list(resources.pods, { namespace: 'default', labelSelector: 'app=bench' });
  const stream = client.watch(resources.pods, { namespace: 'default', labelSelector: 'app=bench', resourceVersion: list.metadata?.resourceVersion ?? '0' });
  const created = new Map<string, number>();
  const bound = new Map<string, number>();
  const ready = new Map<string, number>();
  void (async () => {
    for await (const ev of stream) {
      const pod = ev.object as Pod;
      const uid = pod.metadata?.uid;
      if (!uid || ev.type === 'ERROR' || ev.type === 'BOOKMARK') continue;
      const t = performance.now();
      if (!created.has(uid)) created.set(uid, t);
      if (pod.spec?.nodeName && !bound.has(uid)) bound.set(uid, t);
      if (!ready.has(uid) && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready.set(uid, t);
    }
  })().catch(() => {});
  const upTo = (m: Map<string, number>, t: number): number => [...m.values()].filter((x) => x <= t).length;
  return {
    lines(t0) {
      const last = Math.max(0, ...created.values(), ...bound.values(), ...ready.values());
      const out: string[] = [];
      for (let s = 1; t0 + (s - 1) * 1000 <= last; s++) {
        const t = t0 + s * 1000;
        out.push(`${String(s).padStart(4)}: ${upTo(created, t)} / ${upTo(bound, t)} / ${upTo(ready, t)}`);
      }
      return out;
    },
    stop: () => stream.close(),
  };
}

/** apiserver_request_total by `VERB resource` (watches included), and the store revision, from /metrics */
async function apiCounts(conn: ReturnType<typeof loadKubeconfig>): Promise<{ requests: Map<string, number>; revision: number }> {
  const text = await new Promise<string>((resolve, reject) => {
    const request = conn.server.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(new URL('/metrics', conn.server), { headers: conn.token ? { authorization: `Bearer ${conn.token}` } : {}, ...(conn.ca ? { ca: conn.ca } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
  const requests = new Map<string, number>();
  let revision = 0;
  for (const line of text.split('\n')) {
    const m = /^apiserver_request_total\{(.*)\} (\S+)$/.exec(line);
    if (m) {
      const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      const code = labels['code'] ?? '';
      const key = `${labels['verb']} ${labels['resource']}${code.startsWith('2') ? '' : ` ${code}`}`;
      requests.set(key, (requests.get(key) ?? 0) + Number(m[2]));
    }
    const r = /^kubesim_store_revision (\S+)$/.exec(line);
    if (r) revision = Number(r[1]);
  }
  return { requests, revision };
}

/** warnings and errors per component log (a run that stalls usually says why there) */
function logSummary(dir: string): void {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.log'));
  } catch {
    return;
  }
  for (const f of files) {
    const counts = new Map<string, number>();
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const m = /"level":(\d+)/.exec(line);
      if (!m || Number(m[1]) < 40) continue;
      const msg = /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 120);
      counts.set(msg, (counts.get(msg) ?? 0) + 1);
    }
    if (counts.size === 0) continue;
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 4);
    console.log(`log warnings/errors, ${f}: ${top.map(([m, n]) => `${n}× ${m}`).join('; ')}`);
  }
}

/** VmRSS of a process in bytes, or 0 when it is gone */
function rss(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) a process has used, or 0 when it is gone */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function componentPids(dataDir: string): Map<string, number> {
  try {
    const file = JSON.parse(readFileSync(join(dataDir, 'run', 'cluster.json'), 'utf8')) as { components: { name: string; pid?: number }[] };
    return new Map(file.components.filter((c) => c.pid).map((c) => [c.name, c.pid!]));
  } catch {
    return new Map();
  }
}

async function scale(): Promise<void> {
  const profDir = arg('prof', '');
  const nodeOptions = [profDir ? `--import=${profileHook(profDir)}` : '', arg('node-options', '')].filter(Boolean).join(' ');
  const variant = nodeOptions ? { ...bundled, env: { NODE_OPTIONS: nodeOptions } } : bundled;
  const upArgs = arg('up-args', '').split(' ').filter(Boolean);
  const c = await startCluster(variant, ['--nodes', String(NODES), ...upArgs], 300_000);
  try {
    console.log(`kubesim up --nodes ${NODES}: ready (every node Ready) in ${(c.upMs / 1000).toFixed(1)} s`);
    const dataDir = join(c.dir, '.kubesim');
    const conn = loadKubeconfig(join(dataDir, 'kubeconfig'));
    const client = createHttpClient({ ...conn, userAgent: 'bench-cluster' });
    const pids = componentPids(dataDir);
    if (profDir) console.log(`pids: ${[...pids].map(([n, p]) => `${n} ${p}`).join(', ')}`);
    const peak = new Map<string, number>();
    let peakSum = 0;
    const sample = (): Map<string, number> => {
      const now = new Map([...pids].map(([name, pid]) => [name, rss(pid)]));
      for (const [name, bytes] of now) peak.set(name, Math.max(peak.get(name) ?? 0, bytes));
      peakSum = Math.max(peakSum, [...now.values()].reduce((a, b) => a + b, 0));
      return now;
    };
    const sampler = setInterval(sample, 250);
    const idle = sample();
    console.log(`control-plane RSS with ${NODES} idle nodes: ${fmtRss(idle)}`);

    const deployment: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bench', namespace: 'default' },
      spec: {
        replicas: REPLICAS,
        selector: { matchLabels: { app: 'bench' } },
        template: { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10' }] } },
      },
    } as Deployment;
    const timeline = flag('timeline') ? await watchPods(client) : undefined;
    const counts0 = await apiCounts(conn).catch(() => undefined);
    const t0 = performance.now();
    await client.create(resources.deployments, deployment);
    let lastPrint = 0;
    let lastCpu = new Map([...pids].map(([name, pid]) => [name, cpuSeconds(pid)]));
    const cpuSince = (elapsed: number): string => {
      const now = new Map([...pids].map(([name, pid]) => [name, cpuSeconds(pid)]));
      const line = [...now].map(([name, c]) => `${name} ${Math.round(((c - (lastCpu.get(name) ?? 0)) / elapsed) * 100)}%`).join(' ');
      lastCpu = now;
      return line;
    };
    const cpuStart = new Map(lastCpu);
    let status: Deployment['status'] = {};
    for (;;) {
      status = (await client.get(resources.deployments, 'bench', { namespace: 'default' })).status ?? {};
      const s = (performance.now() - t0) / 1000;
      if ((status.availableReplicas ?? 0) >= REPLICAS) break;
      if (s - lastPrint >= 2) {
        const cpu = cpuSince(s - lastPrint);
        lastPrint = s;
        console.log(`  ${s.toFixed(0).padStart(4)} s: replicas ${status.replicas ?? 0}, ready ${status.readyReplicas ?? 0}, available ${status.availableReplicas ?? 0}; RSS ${fmtBytes(sum(sample()))}; CPU ${cpu}`);
      }
      if (s > TIMEOUT_S) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const secs = (performance.now() - t0) / 1000;
    const end = sample();
    clearInterval(sampler);
    const done = (status.availableReplicas ?? 0) >= REPLICAS;
    console.log(
      done
        ? `${REPLICAS} replicas on ${NODES} nodes: all available in ${secs.toFixed(1)} s (target ≤ 15 s)`
        : `${REPLICAS} replicas on ${NODES} nodes: NOT all available after ${secs.toFixed(0)} s (available ${status.availableReplicas ?? 0})`,
    );
    if (!done) {
      // why not: the pods as the apiserver has them (phase, and the Ready and ContainersReady conditions)
      const pods = await client.list(resources.pods, { namespace: 'default', labelSelector: 'app=bench' }).catch(() => undefined);
      const shapes = new Map<string, number>();
      for (const p of pods?.items ?? []) {
        const cond = (t: string): string => p.status?.conditions?.find((c) => c.type === t)?.status ?? '-';
        const k = `${p.status?.phase ?? '?'}${p.spec?.nodeName ? '' : ' unbound'} Ready=${cond('Ready')} ContainersReady=${cond('ContainersReady')}`;
        shapes.set(k, (shapes.get(k) ?? 0) + 1);
      }
      console.log(`pods by state: ${[...shapes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join('; ')}`);
    }
    if (timeline) {
      console.log('timeline (s: pods created / bound / Ready, cumulative):');
      for (const line of timeline.lines(t0)) console.log(`  ${line}`);
      timeline.stop();
    }
    const counts1 = await apiCounts(conn).catch(() => undefined);
    if (counts0 && counts1) {
      const rows = [...counts1.requests]
        .map(([k, n]) => [k, n - (counts0.requests.get(k) ?? 0)] as const)
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1]);
      const total = rows.reduce((a, [, n]) => a + n, 0);
      console.log(`apiserver requests meanwhile: ${total} (${(total / REPLICAS).toFixed(2)} per pod), store writes ${counts1.revision - counts0.revision} (${((counts1.revision - counts0.revision) / REPLICAS).toFixed(2)} per pod)`);
      console.log(`  ${rows.map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }
    console.log(`control-plane RSS at the end: ${fmtRss(end)}`);
    console.log(`CPU seconds used meanwhile: ${[...pids].map(([name, pid]) => `${name} ${(cpuSeconds(pid) - (cpuStart.get(name) ?? 0)).toFixed(1)}`).join(', ')}`);
    console.log(`control-plane RSS peak: ${fmtBytes(peakSum)} (target ≤ 1 GiB); per component peak: ${[...peak].map(([n, b]) => `${n} ${fmtBytes(b)}`).join(', ')}`);
    console.log(`kubesim up itself (the supervisor, not counted): ${fmtBytes(rss(c.proc.pid))}`);
    logSummary(join(dataDir, 'logs'));
    const hold = Number(arg('hold', '0'));
    if (hold > 0) {
      console.log(`holding the cluster ${hold} s (pids: ${[...pids].map(([n, p]) => `${n} ${p}`).join(', ')})`);
      await new Promise((r) => setTimeout(r, hold * 1000));
    }
  } finally {
    await c.stop();
  }
}

/**
 * A module that CPU-profiles the process it is imported into and writes
 * <dir>/<pid>.cpuprofile at exit (node refuses --cpu-prof in NODE_OPTIONS; --import works).
 */
function profileHook(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'profile-hook.mjs');
  writeFileSync(
    path,
    `import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 1000 });
session.post('Profiler.start');
process.on('exit', () => session.post('Profiler.stop', (err, r) => { if (!err) writeFileSync(${JSON.stringify(dir)} + '/' + process.pid + '.cpuprofile', JSON.stringify(r.profile)); }));
`,
  );
  return path;
}

const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const fmtBytes = (b: number): string => `${(b / MiB).toFixed(0)} MiB`;
const fmtRss = (m: Map<string, number>): string => `${fmtBytes(sum(m))} (${[...m].map(([n, b]) => `${n} ${fmtBytes(b)}`).join(', ')})`;

if (!flag('skip-startup')) await startup();
if (!flag('skip-scale')) await scale();
process.exit(0);
