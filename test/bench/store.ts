// Store benchmark: `pnpm bench store`. Measures the level backend with fsync on and off
// (and memory, for reference): sequential puts/s, puts/s with 64 concurrent writers,
// put→watch latency p50/p99, and a range over 100k keys. If `etcd` is on PATH it starts
// one on 127.0.0.1 (free ports, temp data dir), measures the same through the etcd3
// client, prints kubesim/etcd ratios and stops it. Each figure is the median of 3 runs,
// the runs of all targets interleaved so that a noisy disk weighs on each alike.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMemoryStore, openLevelStore, type KV } from '@kubesim/store';
import { Etcd3 } from 'etcd3';

const RUNS = 3;
const VALUE = JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' }, data: { k: 'v'.repeat(64) } });
const RANGE_KEYS = 100_000;

interface Target {
  name: string;
  put(key: string, value: string): Promise<unknown>;
  /** starts a watch on `prefix`, calling `onPut(key)` per put event; returns a stopper */
  watch(prefix: string, onPut: (key: string) => void): Promise<() => Promise<void>>;
  /** puts many keys fast (setup for the range figure) */
  load(keys: string[], value: string): Promise<void>;
  rangeAll(prefix: string): Promise<number>;
  close(): Promise<void>;
}

interface Figures {
  sequential: number;
  seqP50: number;
  concurrent: number;
  p50: number;
  p99: number;
  range: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** Puts one at a time; returns puts/s and the median put latency (robust to a few disk stalls). */
async function sequentialPuts(t: Target, run: number, n: number): Promise<{ rate: number; p50: number }> {
  const lat: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await t.put(`/bench/seq/${run}/${i}`, VALUE);
    lat.push(performance.now() - t0);
  }
  return { rate: n / ((performance.now() - start) / 1000), p50: quantile(lat, 0.5) };
}

async function concurrentPuts(t: Target, run: number, n: number, writers = 64): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < n) {
        const i = next++;
        await t.put(`/bench/conc/${run}/${i}`, VALUE);
      }
    }),
  );
  return n / ((performance.now() - start) / 1000);
}

async function watchLatency(t: Target, run: number, n: number): Promise<number[]> {
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let done: () => void = () => {};
  const all = new Promise<void>((r) => (done = r));
  const stop = await t.watch(`/bench/watch/${run}/`, (key) => {
    const t0 = sent.get(key);
    if (t0 === undefined) return;
    latencies.push(performance.now() - t0);
    if (latencies.length === n) done();
  });
  for (let i = 0; i < n; i++) {
    const key = `/bench/watch/${run}/${i}`;
    sent.set(key, performance.now());
    await t.put(key, VALUE);
  }
  await all;
  await stop();
  return latencies;
}

interface Sizes {
  seq: number;
  conc: number;
  watch: number;
}

interface Samples {
  seq: number[];
  seqP50: number[];
  conc: number[];
  p50: number[];
  p99: number[];
  range: number[];
}

/** One round of the write figures; rounds of all targets interleave, so a noisy disk hits them alike. */
async function measureRound(t: Target, sizes: Sizes, run: number, into: Samples): Promise<void> {
  const seq = await sequentialPuts(t, run, sizes.seq);
  into.seq.push(seq.rate);
  into.seqP50.push(seq.p50);
  into.conc.push(await concurrentPuts(t, run, sizes.conc));
  const lat = await watchLatency(t, run, sizes.watch);
  into.p50.push(quantile(lat, 0.5));
  into.p99.push(quantile(lat, 0.99));
}

async function measureRange(t: Target, into: Samples): Promise<void> {
  await t.load(Array.from({ length: RANGE_KEYS }, (_, i) => `/bench/range/${String(i).padStart(6, '0')}`), VALUE);
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const count = await t.rangeAll('/bench/range/');
    into.range.push(performance.now() - start);
    if (count !== RANGE_KEYS) throw new Error(`${t.name}: range returned ${count} keys`);
  }
}

const figures = (s: Samples): Figures => ({
  sequential: median(s.seq),
  seqP50: median(s.seqP50),
  concurrent: median(s.conc),
  p50: median(s.p50),
  p99: median(s.p99),
  range: median(s.range),
});

function kubesimTarget(name: string, kv: KV, cleanup: () => void): Target {
  return {
    name,
    put: (k, v) => kv.put(k, v),
    async watch(prefix, onPut) {
      const w = kv.watch(prefix, { fromRevision: 0 });
      const loop = (async () => {
        for await (const ev of w) if (ev.type === 'put') onPut(ev.kv.key);
      })();
      return async () => {
        w.close();
        await loop;
      };
    },
    async load(keys, value) {
      for (let i = 0; i < keys.length; i += 128) {
        await kv.txn({ compare: [], success: keys.slice(i, i + 128).map((key) => ({ type: 'put' as const, key, value })) });
      }
    },
    rangeAll: async (prefix) => (await kv.range(prefix)).kvs.length,
    async close() {
      await kv.close();
      cleanup();
    },
  };
}

async function levelTarget(fsync: boolean): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-'));
  const kv = await openLevelStore({ dir, fsync, compaction: false });
  return kubesimTarget(`level fsync=${fsync ? 'on' : 'off'}`, kv, () => rmSync(dir, { recursive: true, force: true }));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function etcdTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-etcd-'));
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const proc: ChildProcess = spawn(
    'etcd',
    ['--name', 'bench', '--data-dir', dir, '--listen-client-urls', url, '--advertise-client-urls', url,
      '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `bench=${peerUrl}`,
      '--listen-metrics-urls', '', '--log-level', 'error', '--logger', 'zap'],
    { stdio: 'ignore' },
  );
  const etcd = new Etcd3({ hosts: url, grpcOptions: { 'grpc.max_receive_message_length': -1 } });
  for (let i = 0; ; i++) {
    try {
      await etcd.get('/ready');
      break;
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    name: `etcd ${etcdVersion()}`,
    put: (k, v) => etcd.put(k).value(v).exec(),
    async watch(prefix, onPut) {
      const w = await etcd.watch().prefix(prefix).create();
      w.on('put', (kv) => onPut(kv.key.toString()));
      return () => w.cancel();
    },
    async load(keys, value) {
      for (let i = 0; i < keys.length; i += 128) {
        await etcd.kv.txn({ success: keys.slice(i, i + 128).map((key) => ({ request_put: { key: Buffer.from(key), value: Buffer.from(value) } })) });
      }
    },
    rangeAll: async (prefix) => Object.keys(await etcd.getAll().prefix(prefix).strings()).length,
    async close() {
      etcd.close();
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function etcdVersion(): string {
  const out = spawnSync('etcd', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /etcd Version: (\S+)/.exec(out)?.[1] ?? '';
}

function hasEtcd(): boolean {
  return spawnSync('etcd', ['--version']).status === 0;
}

function print(name: string, f: Figures): void {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  console.log(
    `${name.padEnd(20)} seq ${n(f.sequential).padStart(8)} puts/s (p50 ${f.seqP50.toFixed(2)} ms) | 64 writers ${n(f.concurrent).padStart(8)} puts/s | ` +
      `put→watch p50 ${f.p50.toFixed(2)} ms p99 ${f.p99.toFixed(2)} ms | range 100k ${f.range.toFixed(0)} ms`,
  );
}

const targets: { t: Target; sizes: Sizes; samples: Samples }[] = [];
const add = (t: Target, sizes: Sizes): void => void targets.push({ t, sizes, samples: { seq: [], seqP50: [], conc: [], p50: [], p99: [], range: [] } });
try {
  add(await levelTarget(true), { seq: 1_000, conc: 20_000, watch: 1_000 });
  add(await levelTarget(false), { seq: 10_000, conc: 50_000, watch: 2_000 });
  add(kubesimTarget('memory', createMemoryStore({ compaction: false }), () => {}), { seq: 20_000, conc: 50_000, watch: 2_000 });
  if (hasEtcd()) add(await etcdTarget(), { seq: 1_000, conc: 10_000, watch: 1_000 });
  else console.log('etcd not on PATH: skipped the comparison (apt-get install etcd-server to include it)');
  for (let run = 0; run < RUNS; run++) for (const { t, sizes, samples } of targets) await measureRound(t, sizes, run, samples);
  for (const { t, samples } of targets) await measureRange(t, samples);
  console.log(`median of ${RUNS} interleaved runs; values ${VALUE.length} bytes`);
  for (const { t, samples } of targets) print(t.name, figures(samples));
  const on = targets.find((x) => x.t.name === 'level fsync=on')!;
  const etcd = targets.find((x) => x.t.name.startsWith('etcd'));
  if (etcd) {
    const [a, b] = [figures(on.samples), figures(etcd.samples)];
    console.log(
      `ratio level fsync=on / etcd: sequential ${(a.sequential / b.sequential).toFixed(1)}x (p50 latency ${(b.seqP50 / a.seqP50).toFixed(1)}x lower), 64 writers ${(a.concurrent / b.concurrent).toFixed(1)}x, ` +
        `watch p50 ${(b.p50 / a.p50).toFixed(1)}x faster, range ${(b.range / a.range).toFixed(1)}x faster`,
    );
  }
} finally {
  for (const { t } of targets) await t.close();
}
