// Model-based tests: random sequences of put/delete/txn/get/range/compact/watch (and
// reopen, for level) run against both a backend and a tiny reference model that keeps a
// full snapshot per revision. Results, revisions and watch streams must match exactly.
// A watch is read up to a "sentinel" put, so a missing event fails instead of hanging.

import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompactedError, FutureRevisionError } from './errors.ts';
import type { KeyValue, KV, TxnOp, WatchEvent, Watcher } from './kv.ts';
import { openLevelStore } from './level-store.ts';
import { createMemoryStore } from './memory-store.ts';

const KEYS = ['/m/a', '/m/b', '/m/c', '/n/a', '/x'];
const PREFIXES = ['/', '/m/', '/n/'];

interface ModelEvent {
  type: 'put' | 'delete';
  kv: KeyValue;
  prevKv: KeyValue | undefined;
}

class Model {
  rev = 0;
  compacted = 0;
  snapshots: Map<string, KeyValue>[] = [new Map()];
  events: ModelEvent[] = [];
  /** the long-lived watcher has seen every event up to here */
  seen = 0;

  get state(): Map<string, KeyValue> {
    return this.snapshots[this.rev]!;
  }

  /** Applies ops in order; returns what each op saw. Bumps the revision only if something was written. */
  apply(ops: TxnOp[]): { prev: KeyValue | undefined; wrote: boolean }[] {
    const next = new Map(this.state);
    const rev = this.rev + 1;
    const out: { prev: KeyValue | undefined; wrote: boolean }[] = [];
    const evs: ModelEvent[] = [];
    for (const op of ops) {
      const prev = next.get(op.key);
      if (op.type === 'get') out.push({ prev, wrote: false });
      else if (op.type === 'put') {
        const kv = { key: op.key, value: op.value, createRevision: prev?.createRevision ?? rev, modRevision: rev, version: (prev?.version ?? 0) + 1, lease: 0 };
        next.set(op.key, kv);
        evs.push({ type: 'put', kv, prevKv: prev });
        out.push({ prev, wrote: true });
      } else if (prev) {
        next.delete(op.key);
        evs.push({ type: 'delete', kv: { key: op.key, value: '', createRevision: 0, modRevision: rev, version: 0, lease: 0 }, prevKv: prev });
        out.push({ prev, wrote: true });
      } else out.push({ prev, wrote: false });
    }
    if (evs.length > 0) {
      this.rev = rev;
      this.snapshots.push(next);
      this.events.push(...evs);
    }
    return out;
  }

  eventsBetween(from: number, to: number, prefix: string): ModelEvent[] {
    return this.events.filter((e) => e.kv.modRevision > from && e.kv.modRevision <= to && e.kv.key.startsWith(prefix));
  }

  /** Maps a 0..100 choice onto a revision from just-compacted-away to one in the future. */
  revision(choice: number): number {
    if (choice === 0) return Math.max(1, this.compacted - 1);
    if (choice === 100) return this.rev + 1;
    return Math.max(1, this.compacted) + Math.floor(((choice - 1) / 99) * (this.rev - Math.max(1, this.compacted) + 1));
  }

  readError(rev: number): typeof CompactedError | typeof FutureRevisionError | undefined {
    if (rev > this.rev) return FutureRevisionError;
    if (rev < this.compacted) return CompactedError;
    return undefined;
  }
}

interface Real {
  kv: KV;
  watcher: Watcher;
  iter: AsyncIterator<WatchEvent>;
  reopen: ((kv: KV) => Promise<KV>) | undefined;
}

const plain = (e: ModelEvent | WatchEvent) => ({ type: e.type, kv: { ...e.kv }, prevKv: e.prevKv ? { ...e.prevKv } : undefined });

/** Writes a sentinel under `prefix`, reads `iter` up to it, and checks the events against the model. */
async function readThroughSentinel(m: Model, r: Real, iter: AsyncIterator<WatchEvent>, prefix: string, from: number): Promise<void> {
  const key = `${prefix}zz`;
  const value = `s${m.rev}`;
  m.apply([{ type: 'put', key, value }]);
  await r.kv.put(key, value);
  const got: WatchEvent[] = [];
  for (;;) {
    const n = await iter.next();
    if (n.done) throw new Error('watch ended early');
    got.push(n.value);
    if (n.value.kv.key === key && n.value.kv.modRevision === m.rev) break;
  }
  expect(got.map(plain)).toEqual(m.eventsBetween(from, m.rev, prefix).map(plain));
}

/** STORE_MODEL_RUNS=20 multiplies the number of runs, for a soak. */
const SCALE = Number(process.env['STORE_MODEL_RUNS'] ?? 1);

type Cmd = fc.AsyncCommand<Model, Real>;
const cmd = (name: string, run: (m: Model, r: Real) => Promise<void>, check: (m: Model) => boolean = () => true): Cmd => ({
  check,
  run,
  toString: () => name,
});

const key = fc.constantFrom(...KEYS);
const value = fc.string({ maxLength: 3 });
const op: fc.Arbitrary<TxnOp> = fc.oneof(
  fc.record({ type: fc.constant('put' as const), key, value }),
  fc.record({ type: fc.constant('delete' as const), key }),
  fc.record({ type: fc.constant('get' as const), key }),
);

function commands(durable: boolean): fc.Arbitrary<Cmd>[] {
  const list: fc.Arbitrary<Cmd>[] = [
    fc.tuple(key, value).map(([k, v]) =>
      cmd(`put ${k}=${v}`, async (m, r) => {
        const [exp] = m.apply([{ type: 'put', key: k, value: v }]);
        expect(await r.kv.put(k, v)).toEqual({ revision: m.rev, prev: exp!.prev });
      }),
    ),
    key.map((k) =>
      cmd(`delete ${k}`, async (m, r) => {
        const [exp] = m.apply([{ type: 'delete', key: k }]);
        expect(await r.kv.delete(k)).toEqual({ revision: m.rev, deleted: exp!.wrote, prev: exp!.prev });
      }),
    ),
    fc
      .tuple(key, fc.constantFrom('exists', 'absent', 'current', 'stale'), fc.uniqueArray(op, { selector: (o) => o.key, maxLength: 3 }), fc.array(op, { maxLength: 2 }))
      .map(([ck, kind, success, failureAll]) => {
        const failure = failureAll.filter((o, i) => o.type === 'get' || failureAll.findIndex((p) => p.key === o.key && p.type !== 'get') === i);
        return cmd(`txn if ${ck} ${kind} then ${JSON.stringify(success)} else ${JSON.stringify(failure)}`, async (m, r) => {
          const cur = m.state.get(ck);
          const compare =
            kind === 'exists' ? { key: ck, exists: true }
            : kind === 'absent' ? { key: ck, exists: false }
            : kind === 'current' ? { key: ck, modRevision: cur?.modRevision ?? 0 }
            : { key: ck, version: (cur?.version ?? 0) + 1 };
          const ok = kind === 'exists' ? !!cur : kind === 'absent' ? !cur : kind === 'current';
          const ops = ok ? success : failure;
          const dupWrites = new Set(ops.filter((o) => o.type !== 'get').map((o) => o.key)).size !== ops.filter((o) => o.type !== 'get').length;
          if (dupWrites) return;
          const exp = m.apply(ops);
          const res = await r.kv.txn({ compare: [compare], success, failure });
          expect(res.succeeded).toBe(ok);
          expect(res.revision).toBe(m.rev);
          expect(res.results).toEqual(
            ops.map((o, i) =>
              o.type === 'get' ? { type: 'get', kv: exp[i]!.prev }
              : o.type === 'put' ? { type: 'put', prev: exp[i]!.prev }
              : { type: 'delete', prev: exp[i]!.prev, deleted: exp[i]!.wrote },
            ),
          );
        });
      }),
    fc.tuple(key, fc.integer({ min: 0, max: 100 })).map(([k, choice]) =>
      cmd(`get ${k} @${choice}`, async (m, r) => {
        const rev = m.revision(choice);
        const err = m.readError(rev);
        if (err) return void (await expect(r.kv.get(k, { revision: rev })).rejects.toBeInstanceOf(err));
        expect(await r.kv.get(k, { revision: rev })).toEqual({ kv: m.snapshots[rev]!.get(k), revision: rev });
      }),
    ),
    fc.tuple(fc.constantFrom(...PREFIXES), fc.integer({ min: 0, max: 3 }), fc.option(key, { nil: undefined }), fc.integer({ min: 0, max: 100 })).map(
      ([prefix, limit, startAfter, choice]) =>
        cmd(`range ${prefix} limit ${limit} after ${startAfter} @${choice}`, async (m, r) => {
          const rev = m.revision(choice);
          const opts = startAfter === undefined ? { limit, revision: rev } : { limit, revision: rev, startAfter };
          const err = m.readError(rev);
          if (err) return void (await expect(r.kv.range(prefix, opts)).rejects.toBeInstanceOf(err));
          const all = [...m.snapshots[rev]!.values()]
            .filter((kv) => kv.key.startsWith(prefix) && (startAfter === undefined || kv.key > startAfter))
            .sort((a, b) => (a.key < b.key ? -1 : 1));
          const kvs = limit ? all.slice(0, limit) : all;
          expect(await r.kv.range(prefix, opts)).toEqual({ kvs, revision: rev, more: kvs.length < all.length, count: all.length });
        }),
    ),
    fc.integer({ min: 0, max: 100 }).map((choice) =>
      cmd(`compact @${choice}`, async (m, r) => {
        const rev = m.revision(choice);
        if (rev > m.rev) return void (await expect(r.kv.compact(rev)).rejects.toBeInstanceOf(FutureRevisionError));
        if (rev <= m.compacted) return void (await expect(r.kv.compact(rev)).rejects.toBeInstanceOf(CompactedError));
        await r.kv.compact(rev);
        m.compacted = rev;
        expect(r.kv.compactedRevision()).toBe(rev);
      }),
    ),
    fc.tuple(fc.constantFrom(...PREFIXES), fc.integer({ min: 0, max: 100 }), fc.boolean()).map(([prefix, choice, fromNow]) =>
      cmd(`watch ${prefix} from ${fromNow ? 'now' : `@${choice}`}`, async (m, r) => {
        const from = fromNow ? 0 : Math.min(m.revision(choice), m.rev);
        const w = r.kv.watch(prefix, { fromRevision: from });
        const iter = w[Symbol.asyncIterator]();
        if (from !== 0 && from < m.compacted) return void (await expect(iter.next()).rejects.toBeInstanceOf(CompactedError));
        await readThroughSentinel(m, r, iter, prefix, from === 0 ? m.rev : from);
        w.close();
      }),
    ),
    fc.constant(
      cmd('drain the long-lived watcher', async (m, r) => {
        await readThroughSentinel(m, r, r.iter, '/', m.seen);
        m.seen = m.rev;
      }),
    ),
  ];
  if (durable) {
    list.push(
      fc.constant(
        cmd('reopen', async (m, r) => {
          // fromRevision 0 means "from now": a watcher that has seen nothing resumes from a drain.
          if (m.seen === 0) {
            await readThroughSentinel(m, r, r.iter, '/', m.seen);
            m.seen = m.rev;
          }
          r.watcher.close();
          r.kv = await r.reopen!(r.kv);
          expect(r.kv.currentRevision()).toBe(m.rev);
          expect(r.kv.compactedRevision()).toBe(m.compacted);
          r.watcher = r.kv.watch('/', { fromRevision: m.seen });
          r.iter = r.watcher[Symbol.asyncIterator]();
          if (m.seen < m.compacted) {
            // The watcher's client would relist: start again from now.
            await expect(r.iter.next()).rejects.toBeInstanceOf(CompactedError);
            m.seen = m.rev;
            r.watcher = r.kv.watch('/', { fromRevision: m.seen });
            r.iter = r.watcher[Symbol.asyncIterator]();
          }
          // Catch up now: a watcher still replaying history when a compaction passes its
          // position is cut off (etcd does the same), which this model does not track.
          await readThroughSentinel(m, r, r.iter, '/', m.seen);
          m.seen = m.rev;
        }),
      ),
    );
  }
  return list;
}

async function runModel(open: () => Promise<{ kv: KV; reopen?: (kv: KV) => Promise<KV>; cleanup: () => void }>, numRuns: number, durable: boolean): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands(durable), { maxCommands: 50 }), async (cmds) => {
      const { kv, reopen, cleanup } = await open();
      const watcher = kv.watch('/', { fromRevision: 0 });
      const real: Real = { kv, watcher, iter: watcher[Symbol.asyncIterator](), reopen };
      try {
        await fc.asyncModelRun(() => ({ model: new Model(), real }), cmds);
      } finally {
        await real.kv.close();
        cleanup();
      }
    }),
    { numRuns: numRuns * SCALE },
  );
}

describe('store against a reference model', () => {
  it('memory backend matches the model for random command sequences', () =>
    runModel(async () => ({ kv: createMemoryStore({ compaction: false }), cleanup: () => {} }), 300, false));

  it('level backend matches the model, across reopens', () => runLevelModel({ fsync: false }, 100));

  it('level backend with its write-ahead log in tiny segments matches the model, across reopens', () =>
    // 1 KiB segments: a rotation and a checkpoint every few commands, replay at every reopen.
    runLevelModel({ walSegmentBytes: 1024 }, 40));

  it('level backend matches the model when reopens switch its write-ahead log on and off', () => {
    let opens = 0;
    return runLevelModel(() => (opens++ % 2 === 0 ? { walSegmentBytes: 2048 } : { wal: false }), 30);
  });
});

type LevelOptions = Omit<Parameters<typeof openLevelStore>[0], 'dir'>;

function runLevelModel(options: LevelOptions | (() => LevelOptions), numRuns: number): Promise<void> {
  return runModel(
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kubesim-model-'));
      const open = () => openLevelStore({ dir, compaction: false, ...(typeof options === 'function' ? options() : options) });
      return {
        kv: await open(),
        reopen: async (kv: KV) => {
          await kv.close();
          return open();
        },
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    numRuns,
    true,
  );
}
