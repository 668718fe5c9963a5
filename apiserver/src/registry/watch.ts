// WATCH: a stream of ADDED/MODIFIED/DELETED (+ BOOKMARK, ERROR) events for one resource,
// filtered by namespace and selectors, shared by HTTP, WebSocket and in-process watchers.
//   rv unset / "0"  ADDED for every current object first (a consistent snapshot for unset),
//                   then every change after that snapshot
//   rv N            every change after N; N older than the store's history → ERROR 410
// With selectors, an object that starts matching is ADDED and one that stops matching is
// DELETED (carrying its new state), as Kubernetes' cacher does. The watch lives until the
// client goes away, `timeoutSeconds` passes, or the watch cache resets (ERROR 410).
import { failure } from '@kubesim/shared';
import type { ApiError, WatchEventType, WatchOptions } from '@kubesim/shared';
import { isCompacted } from '@kubesim/store';
import type { CachedObject } from './cached-object.ts';
import { parseResourceVersion } from './core.ts';
import type { RegistryCore, ResourceInfo } from './core.ts';
import { filterFor } from './list.ts';
import { listPrefix } from './keys.ts';
import { eventFromStore } from './watch-cache.ts';
import type { CacheEvent } from './watch-cache.ts';

export interface WatchSink {
  /** one event; `line()` is the shared serialized form `{"type":T,"object":O}\n` (UTF-8,
   *  encoded once per event for all watchers) and `chunk()` the same line framed as one
   *  HTTP/1.1 chunk (`<hex length>\r\n<line>\r\n`), also made once per event */
  send(type: Exclude<WatchEventType, 'BOOKMARK' | 'ERROR'>, obj: CachedObject, line: () => Buffer, chunk: () => Buffer): void;
  /** a BOOKMARK at `revision`; `initialEventsEnd` marks the end of sendInitialEvents */
  bookmark(revision: number, initialEventsEnd: boolean): void;
  /** an ERROR event carrying `err`'s Status; the watch is over after it */
  error(err: ApiError): void;
  /** the watch is over (timeout, stop, shutdown) */
  end(): void;
}

export interface WatchHandle {
  stop(): void;
}

export interface WatchTuning {
  bookmarkIntervalMs: number;
}

/** an HTTP/1.1 chunk holding `data` */
export function frameChunk(data: Buffer): Buffer {
  const head = Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1');
  const out = Buffer.allocUnsafe(head.length + data.length + 2);
  head.copy(out, 0);
  data.copy(out, head.length);
  out[out.length - 2] = 13;
  out[out.length - 1] = 10;
  return out;
}

/** the event's serialized line and its chunk, memoized on the cache event (shared by every
 *  watcher of that event) */
function encoders(ev: CacheEvent | undefined, type: string, obj: CachedObject): [() => Buffer, () => Buffer] {
  let own: Buffer | undefined;
  let ownChunk: Buffer | undefined;
  const line = (): Buffer => {
    if (!ev) return (own ??= Buffer.from(`{"type":"${type}","object":${obj.json}}\n`));
    ev.memo ??= new Map();
    let b = ev.memo.get(type);
    if (b === undefined) {
      b = Buffer.from(`{"type":"${type}","object":${obj.json}}\n`);
      ev.memo.set(type, b);
    }
    return b;
  };
  const chunk = (): Buffer => {
    if (!ev) return (ownChunk ??= frameChunk(line()));
    const key = `${type}/chunk`;
    let b = ev.memo?.get(key);
    if (b === undefined) {
      b = frameChunk(line());
      ev.memo!.set(key, b);
    }
    return b;
  };
  return [line, chunk];
}

export function tooOld(rv: number, oldest: number): ApiError {
  return failure(410, 'Expired', `too old resource version: ${rv} (${oldest})`);
}

export async function startWatch(core: RegistryCore, info: ResourceInfo, opts: WatchOptions, sink: WatchSink, tuning: WatchTuning): Promise<WatchHandle> {
  const namespace = core.namespaceFor(info, opts.namespace, true);
  const filter = filterFor(info, opts);
  const keyPrefix = listPrefix(info.type, namespace);
  const rv = parseResourceVersion(opts.resourceVersion);
  const initial = opts.sendInitialEvents ?? (rv === undefined || rv === 0);

  let done = false;
  let lastRev = 0;
  let unsubscribe: (() => void) | undefined;
  let storeWatcher: { close(): void } | undefined;
  const timers: Array<ReturnType<typeof core.clock.setTimeout>> = [];
  const intervals: Array<ReturnType<typeof core.clock.setInterval>> = [];

  const stop = (): void => {
    if (done) return;
    done = true;
    unsubscribe?.();
    storeWatcher?.close();
    for (const t of timers) core.clock.clearTimeout(t);
    for (const t of intervals) core.clock.clearInterval(t);
  };
  const finish = (): void => {
    if (done) return;
    stop();
    sink.end();
  };
  const fail = (err: ApiError): void => {
    if (done) return;
    stop();
    sink.error(err);
  };

  const deliver = (ev: CacheEvent): void => {
    if (done || !ev.key.startsWith(keyPrefix)) return;
    lastRev = ev.revision;
    if (ev.type === 'put') {
      const now = !filter || filter(ev.object.obj);
      const before = ev.prev !== undefined && (!filter || filter(ev.prev.obj));
      if (now) {
        const type = before ? 'MODIFIED' : 'ADDED';
        sink.send(type, ev.object, ...encoders(ev, type, ev.object));
      } else if (before) {
        sink.send('DELETED', ev.object, ...encoders(ev, 'DELETED', ev.object));
      }
    } else if (!filter || (ev.prev && filter(ev.prev.obj))) {
      sink.send('DELETED', ev.object, ...encoders(ev, 'DELETED', ev.object));
    }
  };

  if (initial) {
    if (rv === undefined) await core.cache.waitForRevision(core.store.currentRevision(), 3000);
    else if (rv > 0) await core.cache.waitForRevision(rv, 3000);
    // from here to subscribe() nothing awaits: the snapshot and the subscription meet exactly
    const snap = core.cache.snapshot(info.prefix, keyPrefix);
    for (const o of snap.items) if (!filter || filter(o.obj)) sink.send('ADDED', o, ...encoders(undefined, 'ADDED', o));
    lastRev = snap.revision;
    unsubscribe = core.cache.subscribe({ resourcePrefix: info.prefix, deliver, terminate: fail }, snap.revision);
    if (opts.sendInitialEvents === true) sink.bookmark(snap.revision, true);
  } else {
    const from = rv ?? 0;
    lastRev = from;
    if (from < core.store.compactedRevision()) {
      fail(tooOld(from, core.store.compactedRevision()));
      return { stop };
    }
    if (core.cache.canServeFrom(from)) {
      unsubscribe = core.cache.subscribe({ resourcePrefix: info.prefix, deliver, terminate: fail }, from);
    } else {
      // older than the cache's window but still in the store's history: a watch of our own
      const w = core.store.watch(keyPrefix, { fromRevision: from });
      storeWatcher = w;
      void (async () => {
        try {
          for await (const sev of w) {
            if (done) break;
            const ev = eventFromStore(sev);
            if (ev) deliver(ev);
          }
        } catch (err) {
          if (isCompacted(err)) fail(tooOld(from, core.store.compactedRevision()));
          else fail(failure(500, 'InternalError', 'Internal error occurred: the watch broke'));
        }
      })();
    }
  }

  if (opts.allowWatchBookmarks && tuning.bookmarkIntervalMs > 0) {
    intervals.push(
      core.clock.setInterval(() => {
        if (done) return;
        const rev = storeWatcher ? lastRev : Math.max(lastRev, core.cache.revision);
        sink.bookmark(rev, false);
      }, tuning.bookmarkIntervalMs),
    );
  }
  if (opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0) {
    timers.push(core.clock.setTimeout(finish, opts.timeoutSeconds * 1000));
  }
  return { stop: finish };
}
