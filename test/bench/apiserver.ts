// `pnpm bench apiserver`: the apiserver's throughput and latency over HTTPS, with the
// server in its own process (a memory store) and the load from this one:
//   creates/s    64 concurrent keep-alive clients POSTing pods
//   GET          latency of single-pod GETs
//   LIST         latency of listing 10,000 pods (full JSON body received)
//   watch        delivery latency from a write's commit to each of 1,000 watchers
// Targets: ≥ 10,000 creates/s, LIST of 10k pods ≤ 300 ms, watch p99 ≤ 10 ms.
// BENCH_PHASES picks phases, BENCH_PROF=<dir> CPU-profiles the server, BENCH_APISERVER
// benchmarks another build of the apiserver (see --serve below). The client shares the
// machine with the server: compare builds in one session, not against old figures.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-'));
  const child = spawn(process.execPath, [...(process.env['BENCH_PROF'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROF']}`] : []), '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', dir], { stdio: ['ignore', 'pipe', 'inherit'], cwd: join(dirname(), '..') });
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

  // BENCH_PHASES=creates,get (default: all four) runs only some phases, e.g. to profile one
  const phases = new Set((process.env['BENCH_PHASES'] ?? 'creates,get,list,watch').split(','));
  try {
    // warm up
    for (let i = 0; i < 200; i++) await request('POST', '/api/v1/namespaces/default/pods', pod(`warm-${i}`));
    if (phases.has('creates')) await creates();
    if (phases.has('get')) await gets();
    if (phases.has('list')) await lists();
    if (phases.has('watch')) await watches();
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
  const api = await startApiserver({ dataDir: process.argv[3]!, port: 0, store: 'memory', logger: noopLogger });
  process.stdout.write(JSON.stringify({ url: api.url, token: api.adminToken, ca: api.caCert }) + '\n');
  process.on('SIGTERM', () => void api.close().then(() => process.exit(0)));
} else {
  await main();
}
