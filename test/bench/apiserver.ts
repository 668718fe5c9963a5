// `pnpm bench apiserver`: the apiserver's throughput and latency over HTTPS, with the
// server in its own process (a memory store) and the load from this one:
//   creates/s    64 concurrent keep-alive clients POSTing pods
//   GET          latency of single-pod GETs
//   LIST         latency of listing 10,000 pods (full JSON body received)
//   watch        delivery latency from a write's commit to each of 1,000 watchers
//   mix          the cluster bench's traffic (issue 11) against this one server: 4 watchers
//                of all pods (as scheduler, controller-manager, kubelet-sim and proxy-sim),
//                then per pod a create, a pods/binding, a status merge PATCH and, every
//                other pod, an Event, 64 at a time; prints the server's CPU seconds per
//                request (from /proc, so the load on the machine matters less) and its RSS
// Targets: ≥ 10,000 creates/s, LIST of 10k pods ≤ 300 ms, watch p99 ≤ 10 ms.
// BENCH_PHASES picks phases (default creates,get,list,watch; `mix` alone for issue 11),
// BENCH_MIX_PODS the pods of `mix` (10,000), BENCH_STORE=level a level store instead of
// memory, BENCH_NODE_FLAGS="--max-semi-space-size=16 ..." node flags for the server,
// BENCH_HEAP_SNAPSHOT=<file> writes the server's heap after `mix`, BENCH_PROF=<dir> CPU-profiles the server, BENCH_APISERVER benchmarks another
// build of the apiserver (see --serve below). The client shares the machine with the
// server: compare builds in one session, not against old figures.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const now = (): number => performance.timeOrigin + performance.now();

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
const ms = (x: number): string => `${x.toFixed(2)} ms`;

/** user and system CPU seconds of a process so far */
function cpuSeconds(pid: number): { user: number; sys: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return { user: Number(fields[11]) / 100, sys: Number(fields[12]) / 100 };
}

/** VmRSS and VmHWM (peak) of a process, in MiB */
function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-'));
  const v8Flags = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, ['--expose-gc', ...v8Flags, ...(process.env['BENCH_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROF']}`] : []), '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', dir], { stdio: ['ignore', 'pipe', 'inherit'], cwd: join(dirname(), '..') });
  const info = await new Promise<{ url: string; token: string; ca: string }>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  const base = new URL(info.url);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 64, ca: info.ca });
  const headers = { authorization: `Bearer ${info.token}`, 'content-type': 'application/json', accept: 'application/json' };

  const request = (method: string, path: string, body?: string, a: https.Agent = agent, contentType = 'application/json'): Promise<{ code: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = https.request({ host: base.hostname, port: base.port, method, path, headers: { ...headers, 'content-type': contentType }, agent: a }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      req.setNoDelay(true);
      req.on('error', reject);
      if (body) req.end(body);
      else req.end();
    });

  const pod = (name: string): string =>
    JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'bench', shard: String(name.length % 4) } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } });

  const creates = async (): Promise<void> => {
    const TOTAL = 10_000;
    let next = 0;
    let failures = 0;
    const t0 = now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (;;) {
          const i = next++;
          if (i >= TOTAL) return;
          const r = await request('POST', '/api/v1/namespaces/default/pods', pod(`p-${i}`));
          if (r.code !== 201) failures++;
        }
      }),
    );
    const secs = (now() - t0) / 1000;
    console.log(`creates: ${TOTAL} pods in ${secs.toFixed(2)} s = ${Math.round(TOTAL / secs)} creates/s (64 clients, ${failures} failures)`);
  };

  const gets = async (): Promise<void> => {
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const s = now();
      await request('GET', `/api/v1/namespaces/default/pods/p-${(i * 7) % 10_000}`);
      times.push(now() - s);
    }
    console.log(`GET pod: p50 ${ms(pct(times, 50))}, p99 ${ms(pct(times, 99))}`);
  };

  const lists = async (): Promise<void> => {
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < 10; i++) {
      const s = now();
      const r = await request('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dbench');
      times.push(now() - s);
      count = (JSON.parse(r.body) as { items: unknown[] }).items.length;
    }
    const s = now();
    await request('GET', '/api/v1/namespaces/default/pods?limit=500');
    const page = now() - s;
    console.log(`LIST ${count} pods: p50 ${ms(pct(times, 50))}, p99 ${ms(pct(times, 99))} (plus kubectl-style limit=500 page: ${ms(page)})`);
  };

  const watches = async (): Promise<void> => {
    await request('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: 'tick' }, data: { t: '0' } }));
    const WATCHERS = 1000;
    const latencies: number[] = [];
    const watchAgent = new https.Agent({ keepAlive: true, maxSockets: WATCHERS + 10, ca: info.ca });
    const streams: Array<{ destroy(): void }> = [];
    let ready = 0;
    await new Promise<void>((resolve) => {
      for (let w = 0; w < WATCHERS; w++) {
        const req = https.request({ host: base.hostname, port: base.port, method: 'GET', path: '/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dtick', headers, agent: watchAgent }, (res) => {
          let buf = '';
          let first = true;
          res.on('data', (c: Buffer) => {
            const at = now();
            buf += c.toString();
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              const ev = JSON.parse(line) as { type: string; object: { data?: { t?: string } } };
              if (first) {
                first = false;
                if (++ready === WATCHERS) resolve();
                continue;
              }
              const sent = Number(ev.object.data?.t);
              if (sent > 0) latencies.push(at - sent);
            }
          });
        });
        req.end();
        streams.push(req);
      }
    });
    const UPDATES = 50;
    for (let i = 0; i < UPDATES; i++) {
      await request('PATCH', '/api/v1/namespaces/default/configmaps/tick', JSON.stringify({ data: { t: String(now()) } }), agent, 'application/merge-patch+json').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 20));
    }
    const want = UPDATES * WATCHERS;
    for (let i = 0; i < 200 && latencies.length < want; i++) await new Promise((r) => setTimeout(r, 25));
    console.log(`watch delivery to ${WATCHERS} watchers (${latencies.length}/${want} events): p50 ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}`);
    for (const s of streams) s.destroy();
    watchAgent.destroy();
  };

  const mix = async (): Promise<void> => {
    const PODS = Number(process.env['BENCH_MIX_PODS'] ?? 10_000);
    const pid = child.pid!;
    await request('POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'mix' } }));
    for (let n = 0; n < 100; n++) {
      await request('POST', '/api/v1/nodes', JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${n}`, labels: { 'kubernetes.io/hostname': `node-${n}` } }, status: { capacity: { cpu: '32', memory: '256Gi', pods: '110' }, allocatable: { cpu: '32', memory: '256Gi', pods: '110' } } }));
    }
    // the components' informers: a list, then a watch of every pod from its resourceVersion
    const list = JSON.parse((await request('GET', '/api/v1/pods?limit=500')).body) as { metadata: { resourceVersion: string } };
    const watchAgent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: info.ca });
    const watchers: Array<{ destroy(): void }> = [];
    let events = 0;
    for (let w = 0; w < 4; w++) {
      const req = https.request({ host: base.hostname, port: base.port, method: 'GET', path: `/api/v1/pods?allowWatchBookmarks=true&resourceVersion=${list.metadata.resourceVersion}&watch=true`, headers, agent: watchAgent }, (res) => {
        res.on('data', (c: Buffer) => {
          for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) events++;
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      req.end();
      watchers.push(req);
    }
    await new Promise((r) => setTimeout(r, 200));
    const rsUid = 'c1b0f7a2-5b7e-4f6e-9a57-3f6f1f0e0b11';
    const podBody = (i: number): string =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `web-7d4b9c8f6-${i.toString(36).padStart(5, '0')}`,
          generateName: 'web-7d4b9c8f6-',
          namespace: 'mix',
          labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f6', uid: rsUid, controller: true, blockOwnerDeletion: true }],
        },
        spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: {} }] },
      });
    const statusBody = (uid: string, node: number): string =>
      JSON.stringify({
        metadata: { uid },
        status: {
          phase: 'Running',
          conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z' })),
          hostIP: `10.0.${node >> 8}.${node & 255}`,
          hostIPs: [{ ip: `10.0.${node >> 8}.${node & 255}` }],
          podIP: `10.244.${node}.${(node * 7) % 250}`,
          podIPs: [{ ip: `10.244.${node}.${(node * 7) % 250}` }],
          startTime: '2026-01-01T00:00:00Z',
          containerStatuses: [{ name: 'pause', ready: true, started: true, restartCount: 0, image: 'registry.k8s.io/pause:3.10', imageID: 'registry.k8s.io/pause@sha256:0000', containerID: 'kubesim://0000', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
          qosClass: 'BestEffort',
          reason: null,
          message: null,
        },
      });
    const eventBody = (pod: string, i: number): string =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${pod}.${i.toString(16)}`, namespace: 'mix' },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace: 'mix' },
        reason: 'Scheduled',
        message: `Successfully assigned mix/${pod} to node-${i % 100}`,
        type: 'Normal',
        source: { component: 'default-scheduler' },
        firstTimestamp: '2026-01-01T00:00:00Z',
        lastTimestamp: '2026-01-01T00:00:00Z',
        count: 1,
      });
    const cpu0 = cpuSeconds(pid);
    const t0 = now();
    let next = 0;
    let requests = 0;
    let failures = 0;
    const check = (r: { code: number; body: string }, want: number): void => {
      requests++;
      if (r.code !== want) failures++;
    };
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (;;) {
          const i = next++;
          if (i >= PODS) return;
          const body = podBody(i);
          const created = await request('POST', '/api/v1/namespaces/mix/pods?fieldManager=kube-controller-manager', body);
          check(created, 201);
          if (created.code !== 201) continue;
          const pod = JSON.parse(created.body) as { metadata: { name: string; uid: string } };
          const name = pod.metadata.name;
          const node = i % 100;
          check(await request('POST', `/api/v1/namespaces/mix/pods/${name}/binding`, JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: 'mix' }, target: { apiVersion: 'v1', kind: 'Node', name: `node-${node}` } })), 201);
          if (i % 2 === 0) check(await request('POST', '/api/v1/namespaces/mix/events', eventBody(name, i)), 201);
          check(await request('PATCH', `/api/v1/namespaces/mix/pods/${name}/status?fieldManager=kubelet`, statusBody(pod.metadata.uid, node), agent, 'application/merge-patch+json'), 200);
        }
      }),
    );
    const secs = (now() - t0) / 1000;
    const want = PODS * 3 * 4;
    for (let i = 0; i < 200 && events < want; i++) await new Promise((r) => setTimeout(r, 25));
    const cpu1 = cpuSeconds(pid);
    const user = cpu1.user - cpu0.user;
    const sys = cpu1.sys - cpu0.sys;
    const cpu = user + sys;
    const mem = rssMiB(pid);
    console.log(`mix: ${PODS} pods, ${requests} requests (${failures} failed) in ${secs.toFixed(2)} s; server CPU ${cpu.toFixed(2)} s (user ${user.toFixed(2)}, sys ${sys.toFixed(2)}) = ${Math.round((cpu / requests) * 1e6)} µs/request; watch events delivered ${events}/${want}; server RSS ${mem.rss.toFixed(0)} MiB (peak ${mem.peak.toFixed(0)} MiB)`);
    child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, process.env['BENCH_HEAP_SNAPSHOT'] ? 60_000 : 500));
    for (const w of watchers) w.destroy();
    watchAgent.destroy();
  };

  // BENCH_PHASES=creates,get (default: all four) runs only some phases, e.g. to profile one
  const phases = new Set((process.env['BENCH_PHASES'] ?? 'creates,get,list,watch').split(','));
  try {
    // warm up
    for (let i = 0; i < 200; i++) await request('POST', '/api/v1/namespaces/default/pods', pod(`warm-${i}`));
    if (phases.has('creates')) await creates();
    if (phases.has('get')) await gets();
    if (phases.has('list')) await lists();
    if (phases.has('watch')) await watches();
    if (phases.has('mix')) await mix();
    agent.destroy();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

function dirname(): string {
  return fileURLToPath(new URL('.', import.meta.url));
}

if (process.argv[2] === '--serve') {
  // BENCH_APISERVER=<path to an apiserver's src/index.ts> benchmarks another build (e.g. an
  // older commit exported with `git archive`), for before/after figures from one session
  const target = process.env['BENCH_APISERVER'];
  const { startApiserver } = (target ? await import(pathToFileURL(target).href) : await import('@kubesim/apiserver')) as typeof import('@kubesim/apiserver');
  const { noopLogger } = await import('@kubesim/shared');
  const api = await startApiserver({ dataDir: process.argv[3]!, port: 0, store: process.env['BENCH_STORE'] === 'level' ? 'level' : 'memory', logger: noopLogger });
  process.stdout.write(JSON.stringify({ url: api.url, token: api.adminToken, ca: api.caCert }) + '\n');
  process.on('SIGTERM', () => void api.close().then(() => process.exit(0)));
  // the mix phase asks where the server's memory is
  process.on('SIGUSR2', () => {
    const before = process.memoryUsage().rss;
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const mib = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MiB`;
    const snap = process.env['BENCH_HEAP_SNAPSHOT'];
    if (snap) void import('node:v8').then((v8) => v8.writeHeapSnapshot(snap));
    process.stderr.write(`server memory: rss ${mib(before)}; after a full GC: rss ${mib(m.rss)}, heap used ${mib(m.heapUsed)} of ${mib(m.heapTotal)}, external ${mib(m.external)} (array buffers ${mib(m.arrayBuffers)})\n`);
  });
} else {
  await main();
}
