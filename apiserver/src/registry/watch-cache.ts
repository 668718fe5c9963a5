// The watch cache: one store watch over /registry/ feeding an in-memory copy of every
// object plus a window of recent events, fanned out to all API watchers in process
// (Kubernetes' cacher does the same per resource). Consistent lists and gets are served
// from it once it has caught up with the store's revision.
//
//   store ──watch──► apply(event) ──► objects (key → CachedObject)
//                                 ├─► history (last `capacity` events, for resumes)
//                                 └─► subscribers of that resource (synchronously)
//
// A subscriber registered at revision R gets every event with revision > R exactly once,
// in order: replayed from history, then live. A revision older than the history window
// cannot be served from here (`canServeFrom` is false); the caller then watches the
// store directly. If the store watch breaks (compaction overtook it) the cache relists
// and every subscriber is ended with a 410, so clients relist as they would in Kubernetes.
//
// Each current state keeps its stored JSON and, once something parsed it (a write, a
// watcher, a filter), its parsed object. Kubernetes' cacher keeps decoded objects only;
// kubesim serves JSON and keeps the parsed form only of states written in the last
// `parsedWindow` revisions (4,096): every so often a sweep drops the others' parsed objects,
// which are made again if asked. A write usually follows a recent one (a binding, then a
// status), so few are parsed twice, and 10,000 settled pods cost their JSON only (about
// half of what they cost parsed as well).
import { expired } from '@kubesim/shared';
import type { ApiError, Clock, KubeObject } from '@kubesim/shared';
import type { KV, Watcher, WatchEvent as StoreWatchEvent } from '@kubesim/store';
import { CachedObject } from './cached-object.ts';
import { REGISTRY_ROOT, prefixOfKey } from './keys.ts';

export interface CacheEvent {
  type: 'put' | 'delete';
  revision: number;
  key: string;
  /** the resource prefix (`/registry/core/pods/`) */
  prefix: string;
  /** the new state; for a delete the last state, seen at the deletion revision */
  object: CachedObject;
  /** the state before a put (undefined for a creation) or before a delete */
  prev: CachedObject | undefined;
  /** the event's encodings per watch event type (ADDED, MODIFIED, DELETED), made once and
   *  shared by all watchers of one fan-out (see watch.ts), dropped after it */
  memo?: Map<string, EventEncoding> | undefined;
}

/** one watch event's serialized forms, each made on first use */
export interface EventEncoding {
  /** `{"type":T,"object":O}\n` */
  line: () => Buffer;
  /** the line framed as one HTTP/1.1 chunk */
  chunk: () => Buffer;
}

export interface Subscriber {
  /** resource prefix, e.g. /registry/apps/deployments/ */
  readonly resourcePrefix: string;
  /** called synchronously for every event of that resource */
  deliver(ev: CacheEvent): void;
  /** the cache reset or shut down: the watch must end with this error */
  terminate(err: ApiError): void;
}

export function eventFromStore(ev: StoreWatchEvent): CacheEvent | undefined {
  const prefix = prefixOfKey(ev.kv.key);
  if (!prefix) return undefined;
  const prev = ev.prevKv ? new CachedObject(ev.prevKv.key, ev.prevKv.modRevision, ev.prevKv.createRevision, ev.prevKv.value) : undefined;
  if (ev.type === 'put') {
    return { type: 'put', revision: ev.kv.modRevision, key: ev.kv.key, prefix, object: new CachedObject(ev.kv.key, ev.kv.modRevision, ev.kv.createRevision, ev.kv.value), prev };
  }
  if (!prev) return undefined;
  return { type: 'delete', revision: ev.kv.modRevision, key: ev.kv.key, prefix, object: prev.at(ev.kv.modRevision), prev };
}

export const DEFAULT_PARSED_WINDOW = 4096;

interface Waiter {
  revision: number;
  resolve: (ok: boolean) => void;
}

export class WatchCache {
  private readonly objects = new Map<string, Map<string, CachedObject>>();
  private readonly history: CacheEvent[] = [];
  private historyStart = 0;
  /** every event with revision > floor is in `history` */
  private floor = 0;
  private rev = 0;
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private waiters: Waiter[] = [];
  /** objects writes made ahead of their events (see prime), by key */
  private readonly primed = new Map<string, { value: string; obj: KubeObject; wellTyped: boolean }>();
  /** the newest event's object of each resource */
  private readonly newest = new Map<string, CachedObject>();
  private watcher: Watcher | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readyFlag = false;
  /** the revision at or after which apply sweeps parsed objects again */
  private nextSweep = 0;

  constructor(
    private readonly store: KV,
    private readonly clock: Clock,
    private readonly capacity = 20_000,
    /** states written within this many revisions keep their parsed object */
    private readonly parsedWindow = DEFAULT_PARSED_WINDOW,
  ) {}

  get revision(): number {
    return this.rev;
  }

  get ready(): boolean {
    return this.readyFlag && !this.stopped;
  }

  /** true when the cache holds everything committed to the store so far */
  get fresh(): boolean {
    return this.ready && this.rev >= this.store.currentRevision();
  }

  async start(): Promise<void> {
    await this.relist();
    this.readyFlag = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    for (const w of this.waiters) w.resolve(false);
    this.waiters = [];
    for (const set of this.subscribers.values()) for (const s of [...set]) s.terminate(expired('the apiserver is shutting down'));
    this.subscribers.clear();
    await this.loop?.catch(() => undefined);
  }

  private async relist(): Promise<void> {
    const res = await this.store.range(REGISTRY_ROOT);
    this.objects.clear();
    for (const kv of res.kvs) {
      const prefix = prefixOfKey(kv.key);
      if (!prefix) continue;
      this.bucket(prefix).set(kv.key, new CachedObject(kv.key, kv.modRevision, kv.createRevision, kv.value));
    }
    this.rev = res.revision;
    this.floor = res.revision;
    this.history.length = 0;
    this.historyStart = 0;
    this.primed.clear();
    this.newest.clear();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        this.watcher = this.store.watch(REGISTRY_ROOT, { fromRevision: this.rev });
        for await (const ev of this.watcher) {
          if (this.stopped) break;
          this.apply(ev);
        }
        if (this.stopped) return;
      } catch (err) {
        if (this.stopped) return;
        void err;
      }
      // the store watch ended or broke: start over from a fresh list, cutting everyone off
      await this.clock.sleep(100).catch(() => undefined);
      if (this.stopped) return;
      try {
        await this.relist();
      } catch {
        continue;
      }
      for (const set of this.subscribers.values()) for (const s of [...set]) s.terminate(expired(`too old resource version: the watch cache was reset at ${this.rev}`));
      this.subscribers.clear();
      this.resolveWaiters();
    }
  }

  private bucket(prefix: string): Map<string, CachedObject> {
    let b = this.objects.get(prefix);
    if (!b) {
      b = new Map();
      this.objects.set(prefix, b);
    }
    return b;
  }

  /** apply one store event (exported for tests; the run loop calls it) */
  apply(sev: StoreWatchEvent): void {
    const ev = eventFromStore(sev);
    if (sev.kv.modRevision > this.rev) this.rev = sev.kv.modRevision;
    if (ev) {
      const bucket = this.bucket(ev.prefix);
      // the state replaced is the one cached (whose parsed object watchers may have made)
      const replaced = bucket.get(ev.key);
      if (replaced && ev.prev && replaced.modRevision === ev.prev.modRevision) ev.prev = replaced;
      const primed = this.primed.get(ev.key);
      // (an object a write answered, shared, carries its own write's resourceVersion: an
      // earlier write of the same value does not take it)
      if (ev.type === 'put' && primed && primed.value === ev.object.value && !stampedOtherwise(primed.obj, ev.object.modRevision)) {
        this.primed.delete(ev.key);
        ev.object.adopt(primed.obj, primed.wellTyped);
      }
      this.newest.set(ev.prefix, ev.object);
      if (ev.type === 'put') bucket.set(ev.key, ev.object);
      else bucket.delete(ev.key);
      this.history.push(ev);
      this.trimHistory();
      const subs = this.subscribers.get(ev.prefix);
      if (subs) for (const s of subs) s.deliver(ev);
      // the encodings served this fan-out; the history keeps only the state (a watcher
      // resuming from it encodes again), so it holds no serialized copies of its objects
      ev.memo = undefined;
      replaced?.release();
    }
    if (this.rev >= this.nextSweep) this.sweepParsed();
    this.resolveWaiters();
  }

  /** forget the parsed objects of the states written before the last `parsedWindow`
   *  revisions; runs every quarter window, so a state keeps its parsed form for one to
   *  one and a quarter windows after its write */
  private sweepParsed(): void {
    const cutoff = this.rev - this.parsedWindow;
    this.nextSweep = this.rev + Math.max(1, this.parsedWindow >> 2);
    if (cutoff <= 0) return;
    for (const bucket of this.objects.values()) {
      for (const o of bucket.values()) if (o.modRevision <= cutoff && o.isParsed) o.forgetParsed();
    }
  }

  private trimHistory(): void {
    const live = this.history.length - this.historyStart;
    if (live <= this.capacity) return;
    // drop whole revisions from the front
    const dropRev = this.history[this.historyStart]!.revision;
    while (this.historyStart < this.history.length && this.history[this.historyStart]!.revision === dropRev) this.historyStart++;
    this.floor = dropRev;
    if (this.historyStart > 4096) {
      this.history.splice(0, this.historyStart);
      this.historyStart = 0;
    }
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const keep: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.revision <= this.rev) w.resolve(true);
      else keep.push(w);
    }
    this.waiters = keep;
  }

  /** resolves true once the cache has applied `revision`, false after `timeoutMs` */
  waitForRevision(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.ready && revision <= this.rev) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter: Waiter = {
        revision,
        resolve: (ok) => {
          this.clock.clearTimeout(timer);
          resolve(ok);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * A write about to store `value` at `key` hands over what parsing it will give (without
   * the resourceVersion; see CachedObject.adopt), for the watchers of its event. Kept until
   * an event with that value comes (then it is the same object, whichever write made it)
   * or `unprime` takes it back.
   */
  prime(key: string, value: string, obj: KubeObject, wellTyped = false): void {
    this.primed.set(key, { value, obj, wellTyped });
  }

  unprime(key: string, value: string): void {
    if (this.primed.get(key)?.value === value) this.primed.delete(key);
  }

  /** whether the objects of a resource get parsed (its newest event's was): then a write
   *  saves its watchers the parsing by priming */
  parsesObjectsOf(resourcePrefix: string): boolean {
    return this.newest.get(resourcePrefix)?.isParsed ?? false;
  }

  get(key: string): CachedObject | undefined {
    const prefix = prefixOfKey(key);
    return prefix ? this.objects.get(prefix)?.get(key) : undefined;
  }

  /** all objects under `keyPrefix` (within `resourcePrefix`), sorted by key, at `revision` */
  snapshot(resourcePrefix: string, keyPrefix: string): { items: CachedObject[]; revision: number } {
    const b = this.objects.get(resourcePrefix);
    const items: CachedObject[] = [];
    if (b) {
      if (keyPrefix === resourcePrefix) for (const o of b.values()) items.push(o);
      else for (const o of b.values()) if (o.key.startsWith(keyPrefix)) items.push(o);
    }
    items.sort((a, b2) => (a.key < b2.key ? -1 : a.key > b2.key ? 1 : 0));
    return { items, revision: this.rev };
  }

  /** the objects of a resource in no particular order (cheap; for small lookups) */
  objectsOf(resourcePrefix: string): Iterable<CachedObject> {
    return this.objects.get(resourcePrefix)?.values() ?? [];
  }

  /** number of objects of a resource (for metrics) */
  count(resourcePrefix: string): number {
    return this.objects.get(resourcePrefix)?.size ?? 0;
  }

  canServeFrom(revision: number): boolean {
    return this.ready && revision >= this.floor;
  }

  /**
   * Register `sub` for events after `fromRevision` (which must satisfy canServeFrom),
   * replaying buffered history first. Returns the unsubscribe function.
   */
  subscribe(sub: Subscriber, fromRevision: number): () => void {
    // history is in revision order: find the first event after fromRevision
    let lo = this.historyStart;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.history[mid]!.revision <= fromRevision) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.history.length; i++) {
      const ev = this.history[i]!;
      if (ev.revision > fromRevision && ev.prefix === sub.resourcePrefix) {
        sub.deliver(ev);
        ev.memo = undefined;
      }
    }
    let set = this.subscribers.get(sub.resourcePrefix);
    if (!set) {
      set = new Set();
      this.subscribers.set(sub.resourcePrefix, set);
    }
    set.add(sub);
    return () => {
      this.subscribers.get(sub.resourcePrefix)?.delete(sub);
    };
  }

  watcherCount(): number {
    let n = 0;
    for (const s of this.subscribers.values()) n += s.size;
    return n;
  }
}

/** whether a primed object already carries a resourceVersion other than `rev` */
function stampedOtherwise(obj: KubeObject, rev: number): boolean {
  const rv = obj.metadata?.resourceVersion;
  return rv !== undefined && rv !== String(rev);
}
