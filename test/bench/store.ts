// Store benchmark: `pnpm bench store`. Measures the level backend with fsync on (through
// its write-ahead log, the default, and with `wal: false`, LevelDB's own synced log) and off
// (and memory, for reference): sequential puts/s, puts/s with 64 concurrent writers,
// put→watch latency p50/p99, and a range over 100k keys. If `etcd` is on PATH it starts
// one on 127.0.0.1 (free ports, temp data dir), measures the same through the etcd3
// client, prints kubesim/etcd ratios and stops it. Each figure is the median of 3 runs,
// the runs of all targets interleaved so that a noisy disk weighs on each alike. Two disk
// probes (one synced record write per put, appended or overwriting a preallocated file),
// run right after level fsync=on, show the floor a store that syncs each write pays.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, write, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMemoryStore, openLevelStore, type KV } from '@kubesim/store';
import { Etcd3 } from 'etcd3';

/** interleaved runs per target (STORE_BENCH_RUNS overrides) */
const RUNS = Number(process.env.STORE_BENCH_RUNS ?? 3);
/** synced writes per disk probe per run */
const PROBE_PUTS = 1_000;
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
  /** CPU seconds used so far outside this process (etcd's server), for CPU per put */
  serverCpu(): number;
  close(): Promise<void>;
}

/** Anything that can be timed putting one key at a time: a target or a disk probe. */
type Sequential = Pick<Target, 'name' | 'put'>;

interface Figures {
  sequential: number;
  seqP50: number;
  seqP99: number;
  seqCpu: number;
  concurrent: number;
  concCpu: number;
  p50: number;
  p99: number;
  range: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** CPU seconds of this process (all its threads, LevelDB's included). */
const ownCpu = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Times the CPU of `work` in this process and in its server, leaving the reads of the server's figure outside. */
async function withCpu<T>(server: () => number, work: () => Promise<T>): Promise<{ result: T; cpu: number }> {
  const s0 = server();
  const c0 = ownCpu();
  const result = await work();
  const c1 = ownCpu();
  return { result, cpu: c1 - c0 + server() - s0 };
}

/**
 * Puts one key at a time, `n` times; the rate is the puts over the time spent in them, the
 * CPU what the process (and the target's server) used meanwhile.
 */
async function sequentialPuts(s: Sequential, n: number, server: () => number, run: number): Promise<{ lat: number[]; cpu: number }> {
  const lat: number[] = [];
  const { cpu } = await withCpu(server, async () => {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await s.put(`/bench/seq/${run}/${i}`, VALUE);
      lat.push(performance.now() - t0);
    }
  });
  return { lat, cpu };
}

/** `n` puts from 64 concurrent writers; returns the elapsed ms and the CPU seconds used. */
async function concurrentPuts(t: Target, prefix: string, n: number, writers = 64): Promise<{ ms: number; cpu: number }> {
  const { result: ms, cpu } = await withCpu(
    () => t.serverCpu(),
    async () => {
      const start = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (next < n) {
            const i = next++;
            await t.put(`${prefix}${i}`, VALUE);
          }
        }),
      );
      return performance.now() - start;
    },
  );
  return { ms, cpu };
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
  seqP99: number[];
  seqCpu: number[];
  conc: number[];
  concCpu: number[];
  p50: number[];
  p99: number[];
  range: number[];
}

const emptySamples = (): Samples => ({ seq: [], seqP50: [], seqP99: [], seqCpu: [], conc: [], concCpu: [], p50: [], p99: [], range: [] });

/** Records one sequential run: rate from the mean latency, p50, p99, CPU per put. */
function recordSequential(into: Samples, r: { lat: number[]; cpu: number }): void {
  const total = r.lat.reduce((a, b) => a + b, 0);
  into.seq.push(r.lat.length / (total / 1000));
  into.seqP50.push(quantile(r.lat, 0.5));
  into.seqP99.push(quantile(r.lat, 0.99));
  into.seqCpu.push(r.cpu / r.lat.length);
}

/**
 * One round of a target's write figures. Targets take whole rounds in turn (rather than
 * finer turns): a target's own background writes (etcd's backend commits every 100 ms,
 * LevelDB's compactions, unsynced pages written back) then fall mostly in its own round.
 */
async function measureRound(t: Target, sizes: Sizes, run: number, into: Samples): Promise<void> {
  recordSequential(into, await sequentialPuts(t, sizes.seq, () => t.serverCpu(), run));
  const { ms, cpu } = await concurrentPuts(t, `/bench/conc/${run}/`, sizes.conc);
  into.conc.push(sizes.conc / (ms / 1000));
  into.concCpu.push(cpu / sizes.conc);
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
  seqP99: median(s.seqP99),
  seqCpu: median(s.seqCpu),
  concurrent: median(s.conc),
  concCpu: median(s.concCpu),
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
    serverCpu: () => 0,
    async close() {
      await kv.close();
      cleanup();
    },
  };
}

async function levelTarget(fsync: boolean, wal = true): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-'));
  const kv = await openLevelStore({ dir, fsync, wal, compaction: false });
  const name = `level fsync=${fsync ? 'on' : 'off'}${fsync && !wal ? ' wal=off' : ''}`;
  return kubesimTarget(name, kv, () => rmSync(dir, { recursive: true, force: true }));
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
    serverCpu: () => processCpuSeconds(proc.pid!),
    async close() {
      etcd.close();
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** utime + stime of another process, from /proc (Linux; 0 elsewhere). */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // fields 14 and 15 of stat(5), in USER_HZ ticks (100/s)
  } catch {
    return 0;
  }
}

/**
 * A disk probe: each put writes one record of the size LevelDB's log would (key, value and
 * a header) with O_DSYNC, which syncs the data as fdatasync does, in one threadpool call as
 * LevelDB does. `append` grows the file, so each sync also commits the file's size through
 * the ext4 journal; `preallocated` overwrites a file zero-filled and synced up front (etcd's
 * WAL preallocates its segments), so a sync has no metadata to commit.
 */
function diskProbe(dir: string, kind: 'append' | 'preallocated'): Sequential & { close(): void } {
  const size = 16 << 20;
  const fd = openSync(join(dir, kind), constants.O_RDWR | constants.O_CREAT, 0o644);
  if (kind === 'preallocated') {
    const zeros = Buffer.alloc(1 << 20);
    for (let at = 0; at < size; at += zeros.length) writeSync(fd, zeros, 0, zeros.length, at);
    fsyncSync(fd);
  }
  closeSync(fd);
  const dsync = openSync(join(dir, kind), constants.O_RDWR | constants.O_DSYNC);
  let at = 0;
  return {
    name: `disk ${kind}`,
    put: (key, value) =>
      new Promise<void>((resolve, reject) => {
        const record = Buffer.from(`${'h'.repeat(20)}${key}${value}`);
        if (kind === 'preallocated' && at + record.length > size) at = 0;
        write(dsync, record, 0, record.length, at, (err) => (err ? reject(err) : resolve()));
        at += record.length;
      }),
    close: () => closeSync(dsync),
  };
}

function etcdVersion(): string {
  const out = spawnSync('etcd', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /etcd Version: (\S+)/.exec(out)?.[1] ?? '';
}

function hasEtcd(): boolean {
  return spawnSync('etcd', ['--version']).status === 0;
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const us = (seconds: number): string => `${Math.round(seconds * 1e6)} µs`;

function print(name: string, f: Figures): void {
  console.log(
    `${name.padEnd(20)} seq ${n(f.sequential).padStart(8)} puts/s (p50 ${f.seqP50.toFixed(2)} ms, p99 ${f.seqP99.toFixed(1)} ms, cpu ${us(f.seqCpu)}/put) | ` +
      `64 writers ${n(f.concurrent).padStart(8)} puts/s (cpu ${us(f.concCpu)}/put) | ` +
      `put→watch p50 ${f.p50.toFixed(2)} ms p99 ${f.p99.toFixed(2)} ms | range 100k ${f.range.toFixed(0)} ms`,
  );
}

function printProbe(name: string, s: Samples): void {
  console.log(
    `${name.padEnd(20)} seq ${n(median(s.seq)).padStart(8)} puts/s (p50 ${median(s.seqP50).toFixed(2)} ms, p99 ${median(s.seqP99).toFixed(1)} ms, cpu ${us(median(s.seqCpu))}/put)`,
  );
}

const targets: { t: Target; sizes: Sizes; samples: Samples }[] = [];
const add = (t: Target, sizes: Sizes): void => void targets.push({ t, sizes, samples: emptySamples() });
const probeDir = mkdtempSync(join(tmpdir(), 'kubesim-bench-disk-'));
const probes = (['append', 'preallocated'] as const).map((kind) => ({ p: diskProbe(probeDir, kind), samples: emptySamples() }));
try {
  add(await levelTarget(true), { seq: 1_000, conc: 20_000, watch: 1_000 });
  add(await levelTarget(true, false), { seq: 1_000, conc: 20_000, watch: 1_000 });
  add(await levelTarget(false), { seq: 10_000, conc: 50_000, watch: 2_000 });
  add(kubesimTarget('memory', createMemoryStore({ compaction: false }), () => {}), { seq: 20_000, conc: 50_000, watch: 2_000 });
  if (hasEtcd()) add(await etcdTarget(), { seq: 1_000, conc: 10_000, watch: 1_000 });
  else console.log('etcd not on PATH: skipped the comparison (apt-get install etcd-server to include it)');
  for (let run = 0; run < RUNS; run++) {
    for (const { t, sizes, samples } of targets) {
      await measureRound(t, sizes, run, samples);
      // The disk probes run right after level fsync=on, so that their ratio compares one minute.
      if (t.name !== 'level fsync=on') continue;
      const order = run % 2 === 0 ? probes : [...probes].reverse();
      for (const { p, samples: ps } of order) recordSequential(ps, await sequentialPuts(p, PROBE_PUTS, () => 0, run));
    }
  }
  for (const { t, samples } of targets) await measureRange(t, samples);
  console.log(`median of ${RUNS} interleaved runs; values ${VALUE.length} bytes; sequential rate = puts / time in them`);
  for (const { t, samples } of targets) print(t.name, figures(samples));
  for (const { p, samples } of probes) printProbe(p.name, samples);
  const on = targets.find((x) => x.t.name === 'level fsync=on')!;
  const noWal = targets.find((x) => x.t.name === 'level fsync=on wal=off')!;
  const etcd = targets.find((x) => x.t.name.startsWith('etcd'));
  const [append, prealloc] = [probes[0]!.samples, probes[1]!.samples];
  // Sequential ratios are taken run by run (both sides of a run saw the same minute or so), then the median.
  const seqRatio = (a: Samples, b: Samples): string => median(a.seq.map((x, i) => x / b.seq[i]!)).toFixed(2);
  console.log(
    `sequential, median of per-run ratios: level fsync=on / disk preallocated ${seqRatio(on.samples, prealloc)}x, ` +
      `level fsync=on wal=off / disk append ${seqRatio(noWal.samples, append)}x, disk preallocated / disk append ${seqRatio(prealloc, append)}x, ` +
      `level fsync=on / level fsync=on wal=off ${seqRatio(on.samples, noWal.samples)}x`,
  );
  if (etcd) {
    for (const mine of [on, noWal]) {
      const [a, b] = [figures(mine.samples), figures(etcd.samples)];
      console.log(
        `ratio ${mine.t.name} / etcd: sequential ${seqRatio(mine.samples, etcd.samples)}x (p50 latency ${(b.seqP50 / a.seqP50).toFixed(1)}x lower), ` +
          `64 writers ${(a.concurrent / b.concurrent).toFixed(1)}x (cpu/put ${(b.concCpu / a.concCpu).toFixed(1)}x less), ` +
          `watch p50 ${(b.p50 / a.p50).toFixed(1)}x faster, range ${(b.range / a.range).toFixed(1)}x faster`,
      );
    }
  }
} finally {
  for (const { t } of targets) await t.close();
  for (const { p } of probes) p.close();
  rmSync(probeDir, { recursive: true, force: true });
}
