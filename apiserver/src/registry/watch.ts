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
import { matches } from './filter.ts';
import { filterFor } from './list.ts';
import { listPrefix } from './keys.ts';
import { eventFromStore } from './watch-cache.ts';
import type { CacheEvent, EventEncoding } from './watch-cache.ts';

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

/** `{"type":T,"object":<json>}\n` framed as one HTTP/1.1 chunk, encoded straight into
 *  one buffer (no intermediate string or line buffer) */
export function eventChunk(type: string, json: string): Buffer {
  const prefix = `{"type":"${type}","object":`;
  const lineLength = prefix.length + Buffer.byteLength(json) + 2;
  const head = `${lineLength.toString(16)}\r\n`;
  const out = Buffer.allocUnsafe(head.length + lineLength + 2);
  let at = out.write(head, 0, 'latin1');
  at += out.write(prefix, at, 'latin1');
  at += out.write(json, at, 'utf8');
  out.write('}\n\r\n', at, 'latin1');
  return out;
}

/** the serialized line and chunk of `obj` as a `type` event, made on first use: one
 *  buffer, the line being the chunk without its framing */
function encodingOf(type: string, obj: CachedObject): EventEncoding {
  let chunk: Buffer | undefined;
  const enc = {} as { line: () => Buffer; chunk: () => Buffer };
  // assigned, not written in an object literal: builds that keep function names (tsx, the
  // kubesim bundle) would otherwise name two closures per event with defineProperty
  enc.chunk = () => (chunk ??= eventChunk(type, obj.json));
  enc.line = () => {
    const c = enc.chunk();
    return c.subarray(c.indexOf(10) + 1, c.length - 2);
  };
  return enc;
}

/** the encoding of a cache event as a `type` event, memoized on the event: every watcher
 *  of that event shares the functions and the bytes they make */
function encodingFor(ev: CacheEvent, type: string): EventEncoding {
  ev.memo ??= new Map();
  let enc = ev.memo.get(type);
  if (enc === undefined) {
    enc = encodingOf(type, ev.object);
    ev.memo.set(type, enc);
  }
  return enc;
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
      const now = !filter || matches(filter, ev.object);
      const before = ev.prev !== undefined && (!filter || matches(filter, ev.prev));
      if (now) {
        const type = before ? 'MODIFIED' : 'ADDED';
        const enc = encodingFor(ev, type);
        sink.send(type, ev.object, enc.line, enc.chunk);
      } else if (before) {
        const enc = encodingFor(ev, 'DELETED');
        sink.send('DELETED', ev.object, enc.line, enc.chunk);
      }
    } else if (!filter || (ev.prev && matches(filter, ev.prev))) {
      const enc = encodingFor(ev, 'DELETED');
      sink.send('DELETED', ev.object, enc.line, enc.chunk);
    }
  };

  if (initial) {
    if (rv === undefined) await core.cache.waitForRevision(core.store.currentRevision(), 3000);
    else if (rv > 0) await core.cache.waitForRevision(rv, 3000);
    // from here to subscribe() nothing awaits: the snapshot and the subscription meet exactly
    const snap = core.cache.snapshot(info.prefix, keyPrefix);
    for (const o of snap.items) {
      if (filter && !matches(filter, o)) continue;
      const enc = encodingOf('ADDED', o);
      sink.send('ADDED', o, enc.line, enc.chunk);
    }
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
