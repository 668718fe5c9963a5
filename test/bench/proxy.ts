// proxy-sim benchmark: `pnpm bench proxy [--seconds N]`. A simulated backend (an HTTP server
// answering like a kubelet-sim serving pod) runs in one worker thread, the load generator in
// another, and proxy-sim (with a real HTTPS apiserver, memory store) on the main thread, so
// the proxy's cost is not mixed up with the client's or the backend's. With 64 concurrent
// connections it measures requests/s and latency (p50/p99) straight to the backend and through
// the service's local port, with keep-alive connections (the proxy only pipes bytes) and with a
// new connection per request (the proxy also picks an endpoint and dials it). Each figure is
// the median of 3 runs, directions interleaved; ratios are proxied/direct.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { startApiserver } from '@kubesim/apiserver';
import { startProxySim } from '@kubesim/proxy-sim';
import { createHttpClient, noopLogger, realClock, resources } from '@kubesim/shared';
import type { EndpointSlice, Pod } from '@kubesim/shared';

const CONCURRENCY = 64;
const RUNS = 3;
const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;

const BACKEND = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = http.createServer((req, res) => {
  req.resume();
  const body = 'kubesim: pod default/bench-0 (10.244.0.2) on node kubesim-node-1, container web, port 8080: GET /\\n';
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

const LOAD = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { host, port, concurrency, ms, keepAlive } = workerData;
const agent = new http.Agent({ keepAlive, maxSockets: concurrency });
(async () => {
  const lat = [];
  let errors = 0;
  const start = performance.now();
  const end = start + ms;
  const one = () => new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.get({ host, port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => { lat.push(performance.now() - t0); resolve(); });
    });
    req.on('error', () => { errors++; resolve(); });
  });
  await Promise.all(Array.from({ length: concurrency }, async () => { while (performance.now() < end) await one(); }));
  const elapsed = performance.now() - start;
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
  parentPort.postMessage({ rps: lat.length / (elapsed / 1000), p50: q(0.5), p99: q(0.99), errors });
})();
`;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function runWorker<T>(code: string, workerData: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData });
    w.once('message', (m: T) => {
      resolve(m);
      if (code === LOAD) void w.terminate();
    });
    w.once('error', reject);
  });
}

function load(address: string, keepAlive: boolean, ms: number): Promise<Figures> {
  const i = address.lastIndexOf(':');
  return runWorker<Figures>(LOAD, { host: address.slice(0, i), port: Number(address.slice(i + 1)), concurrency: CONCURRENCY, ms, keepAlive });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const backendWorker = new Worker(BACKEND, { eval: true });
  const backendPort = await new Promise<number>((r) => backendWorker.once('message', r));
  const direct = `127.0.0.1:${backendPort}`;

  const dataDir = mkdtempSync(join(tmpdir(), 'kubesim-bench-proxy-'));
  const api = await startApiserver({ dataDir, port: 0, store: 'memory', logger: noopLogger });
  const client = createHttpClient({ server: api.url, token: api.adminToken, ca: api.caCert });
  const proxy = await startProxySim({ client, clock: realClock, statusPort: 0 });
  const ns = { namespace: 'default' };
  try {
    // three "pods" (all answered by the one backend) behind one service
    const endpoints: EndpointSlice['endpoints'] = [];
    for (let i = 0; i < 3; i++) {
      const pod = await client.create(resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `bench-${i}`, namespace: 'default', annotations: { 'kubesim.io/backend-8080': direct } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } as Pod, ns);
      endpoints.push({ addresses: [`10.244.0.${i + 2}`], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: `bench-${i}`, uid: pod.metadata.uid ?? '' } });
    }
    await client.create(resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench', namespace: 'default' }, spec: { ports: [{ port: 80, targetPort: 8080 }] } }, ns);
    await client.create(resources.endpointslices, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'bench-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'bench' } }, addressType: 'IPv4', ports: [{ name: '', port: 8080, protocol: 'TCP' }], endpoints }, ns);
    const deadline = Date.now() + 10_000;
    while (proxy.services().find((s) => s.name === 'bench')?.endpoints.filter((e) => e.inRotation).length !== 3) {
      if (Date.now() > deadline) throw new Error('the proxy never picked the endpoints up');
      await new Promise((r) => setTimeout(r, 20));
    }
    const proxied = proxy.localEndpoint('default', 'bench', 80)!;

    console.log(`proxy-sim benchmark: ${CONCURRENCY} concurrent connections, ${SECONDS} s per run, median of ${RUNS} (node ${process.version})`);
    console.log(`  direct  ${direct}   proxied ${proxied} (service default/bench, 3 endpoints)\n`);
    for (const keepAlive of [true, false]) {
      await load(direct, keepAlive, 500);
      await load(proxied, keepAlive, 500);
      const d: Figures[] = [];
      const p: Figures[] = [];
      for (let r = 0; r < RUNS; r++) {
        d.push(await load(direct, keepAlive, SECONDS * 1000));
        p.push(await load(proxied, keepAlive, SECONDS * 1000));
      }
      const pick = (xs: Figures[], k: keyof Figures): number => median(xs.map((x) => x[k]));
      const fmt = (xs: Figures[]): string =>
        `${pick(xs, 'rps').toFixed(0).padStart(8)} req/s   p50 ${pick(xs, 'p50').toFixed(2).padStart(6)} ms   p99 ${pick(xs, 'p99').toFixed(2).padStart(6)} ms   errors ${xs.reduce((a, x) => a + x.errors, 0)}`;
      console.log(keepAlive ? 'keep-alive connections (proxy pipes bytes):' : 'a new connection per request (proxy picks, dials, pipes):');
      console.log(`  direct   ${fmt(d)}`);
      console.log(`  proxied  ${fmt(p)}`);
      console.log(
        `  ratio proxied/direct: throughput ${(pick(p, 'rps') / pick(d, 'rps')).toFixed(2)}   added latency p50 ${(pick(p, 'p50') - pick(d, 'p50')).toFixed(2)} ms, p99 ${(pick(p, 'p99') - pick(d, 'p99')).toFixed(2)} ms\n`,
      );
    }
  } finally {
    await proxy.stop();
    client.close();
    await api.close();
    await backendWorker.terminate();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
