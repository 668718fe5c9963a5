// EventRecorder, as client-go's record.EventRecorder: `recorder.event(pod, 'Warning', 'BackOff',
// msg)` writes a core/v1 Event named `<name>.<hex nanoseconds>` in the object's namespace
// ("default" for cluster-scoped objects). A repeat (same object, type, reason, message) within
// 10 minutes PATCHes count and lastTimestamp instead. Writes run in the background, in order;
// `event` never throws (failures are logged); `flush()` waits. Times come from the Clock.
// With `correlate` (the default, as client-go's EventCorrelator): the 10th distinct message
// of one source, object, type and reason within 10 minutes becomes one event "(combined
// from similar events): <message>" counted up from then on, and a source may burst 25 events
// about one object, then 1 per 5 minutes (the rest are dropped). So a ReplicaSet creating
// 10,000 pods writes ~25 SuccessfulCreate events, not 10,000. Components on the new events
// API (kube-scheduler) pass `correlate: false`.
// Names: client-go takes the nanoseconds from a real clock, so two components naming events
// about one pod (the scheduler's Scheduled, the kubelet's Pulling) never pick the same
// name. kubesim's clocks count milliseconds (and a virtual clock stands still within a
// step), so the nanoseconds below the millisecond are drawn from the injected `random`:
// seeded in a simulation, so names replay. Should two names still meet, the create that
// finds the name taken (AlreadyExists) takes a fresh name and creates once more.

import type { Clock } from '../clock.ts';
import { formatTime } from '../clock.ts';
import type { Client } from '../client/types.ts';
import type { KubeObject } from '../api/meta.ts';
import { resources, type ResourceType } from '../api/resources.ts';
import { isAlreadyExists, isNotFound } from '../errors.ts';
import { systemRandom, type Random } from '../random.ts';
import type { LoggerLike } from '../logger-like.ts';
import { errorMessage, noopLogger } from '../logger-like.ts';

export type EventType = 'Normal' | 'Warning';

/** the core/v1 Event this recorder writes (eventTime null, as client-go's old-style events) */
export interface RecordedEvent extends KubeObject {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: { name: string; namespace: string };
  involvedObject: { kind: string; name: string; namespace?: string; uid: string; apiVersion: string; resourceVersion: string; fieldPath?: string };
  reason: string;
  message: string;
  type: EventType;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  eventTime: null;
  reportingComponent: string;
  reportingInstance: string;
}

export interface EventRecorderOptions {
  client: Client;
  clock: Clock;
  /** source.component and reportingComponent, e.g. `default-scheduler`, `kubelet` */
  component: string;
  /** source.host, e.g. the node name for a kubelet */
  host?: string;
  logger?: LoggerLike;
  /** aggregate similar events and drop spam (client-go record's EventCorrelator); default true */
  correlate?: boolean;
  /** draws the sub-millisecond part of event names (default: seeded from the OS) */
  random?: Random;
}

export interface EventOptions {
  /** fills involvedObject.apiVersion/kind when the object lacks them (list items do) */
  resourceType?: Pick<ResourceType, 'group' | 'version' | 'kind'>;
  /** e.g. `spec.containers{web}` */
  fieldPath?: string;
}

export interface EventRecorder {
  event(obj: KubeObject, type: EventType, reason: string, message: string, opts?: EventOptions): void;
  /** resolves once every event recorded so far has been written (or failed) */
  flush(): Promise<void>;
}

/** repeats closer than this are counted on one event */
export const EVENT_AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
const MAX_REMEMBERED = 4096;
/** client-go: this many distinct messages for one source/object/type/reason within the window are combined */
export const EVENT_AGGREGATE_MAX_EVENTS = 10;
export const COMBINED_EVENTS_PREFIX = '(combined from similar events): ';
/** client-go's spam filter: a source may burst this many events about one object ... */
export const EVENT_SPAM_BURST = 25;
/** ... and then gets one more per 5 minutes */
export const EVENT_SPAM_REFILL_MS = 5 * 60 * 1000;

/** a bounded map that forgets the least recently set key (client-go keeps LRUs of 4096) */
function rememberIn<V>(m: Map<string, V>, key: string, v: V): void {
  m.delete(key);
  m.set(key, v);
  if (m.size > MAX_REMEMBERED) m.delete(m.keys().next().value as string);
}

interface Seen {
  /** the event's name, one box shared by its repeats: a create that finds the name taken
   *  renames it for the repeats queued behind it */
  name: { current: string };
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

export function createEventRecorder(opts: EventRecorderOptions): EventRecorder {
  const { client, clock, component } = opts;
  const log = opts.logger ?? noopLogger;
  const seen = new Map<string, Seen>();
  const correlate = opts.correlate ?? true;
  /** aggregate key → the distinct messages seen, and when the last one came */
  const similar = new Map<string, { messages: Set<string>; lastMs: number }>();
  /** source + object → token bucket */
  const spam = new Map<string, { tokens: number; atMs: number }>();
  let queue: Promise<void> = Promise.resolve();
  let lastNanos = 0n;

  const random = opts.random ?? systemRandom();

  /** the clock's milliseconds in nanoseconds, the part below them drawn at random; bumped so
   *  that one recorder's names keep increasing */
  const uniqueNanos = (ms: number): bigint => {
    const nanos = BigInt(Math.floor(ms)) * 1_000_000n + BigInt(random.int(1_000_000));
    lastNanos = nanos > lastNanos ? nanos : lastNanos + 1n;
    return lastNanos;
  };

  /** the 10th distinct message of a kind within the window: true, and it joins the combined event */
  const combine = (aggregateKey: string, message: string, nowMs: number): boolean => {
    let rec = similar.get(aggregateKey);
    if (!rec || nowMs - rec.lastMs > EVENT_AGGREGATION_WINDOW_MS) rec = { messages: new Set(), lastMs: nowMs };
    rec.messages.add(message);
    rec.lastMs = nowMs;
    rememberIn(similar, aggregateKey, rec);
    if (rec.messages.size < EVENT_AGGREGATE_MAX_EVENTS) return false;
    rec.messages.delete(rec.messages.values().next().value as string); // keep the set at the max
    return true;
  };

  /** false when this source has spent its events about this object for now */
  const allowed = (spamKey: string, nowMs: number): boolean => {
    const b = spam.get(spamKey) ?? { tokens: EVENT_SPAM_BURST, atMs: nowMs };
    b.tokens = Math.min(EVENT_SPAM_BURST, b.tokens + Math.max(0, nowMs - b.atMs) / EVENT_SPAM_REFILL_MS);
    b.atMs = nowMs;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    rememberIn(spam, spamKey, b);
    return ok;
  };

  async function write(ev: RecordedEvent, repeat: boolean, name: Seen['name']): Promise<void> {
    const namespace = ev.metadata.namespace;
    ev.metadata.name = name.current;
    if (repeat) {
      try {
        await client.patch(resources.events, ev.metadata.name, { count: ev.count, lastTimestamp: ev.lastTimestamp, message: ev.message }, { type: 'merge', namespace });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // someone deleted it: write it again under the same name
      }
    }
    // core/v1 Event as client-go sends it: eventTime is null, which the kind's schema type does not model
    try {
      await client.create(resources.events as ResourceType, ev, { namespace });
    } catch (err) {
      if (repeat || !isAlreadyExists(err)) throw err;
      // another component named its event about this object the same: take a fresh name
      name.current = ev.metadata.name = `${ev.involvedObject.name}.${uniqueNanos(clock.now()).toString(16)}`;
      await client.create(resources.events as ResourceType, ev, { namespace });
    }
  }

  function event(obj: KubeObject, type: EventType, reason: string, message: string, eventOpts: EventOptions = {}): void {
    try {
      if (type !== 'Normal' && type !== 'Warning') {
        log.error({ type, reason }, 'unsupported event type');
        return;
      }
      const rt = eventOpts.resourceType;
      const apiVersion = obj.apiVersion ?? (rt ? (rt.group ? `${rt.group}/${rt.version}` : rt.version) : '');
      const kind = obj.kind ?? rt?.kind ?? '';
      const meta = obj.metadata;
      const involvedObject: RecordedEvent['involvedObject'] = {
        kind,
        name: meta.name ?? '',
        uid: meta.uid ?? '',
        apiVersion,
        resourceVersion: meta.resourceVersion ?? '',
      };
      if (meta.namespace) involvedObject.namespace = meta.namespace;
      if (eventOpts.fieldPath) involvedObject.fieldPath = eventOpts.fieldPath;
      const namespace = meta.namespace || 'default';

      const nowMs = clock.now();
      const now = formatTime(nowMs);
      const host = opts.host ?? '';
      // the source and the object: the spam filter's key, and the start of the others
      const about = [component, host, kind, namespace, involvedObject.name, involvedObject.uid, apiVersion];
      let key = JSON.stringify([...about, eventOpts.fieldPath ?? '', type, reason, message]);
      if (correlate) {
        const aggregateKey = JSON.stringify([...about, type, reason]);
        if (combine(aggregateKey, message, nowMs)) {
          key = aggregateKey;
          message = COMBINED_EVENTS_PREFIX + message;
        }
      }
      const prior = seen.get(key);
      const repeat = prior !== undefined && nowMs - prior.lastSeenMs <= EVENT_AGGREGATION_WINDOW_MS;
      const entry: Seen = repeat
        ? { ...prior, count: prior.count + 1, lastSeenMs: nowMs }
        : { name: { current: `${involvedObject.name}.${uniqueNanos(nowMs).toString(16)}` }, namespace, count: 1, firstTimestamp: now, lastSeenMs: nowMs };
      rememberIn(seen, key, entry);
      // as client-go: the event is counted (above) even when the spam filter then drops it
      if (correlate && !allowed(JSON.stringify(about), nowMs)) return;

      const source: RecordedEvent['source'] = { component };
      if (opts.host !== undefined) source.host = opts.host;
      const ev: RecordedEvent = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: entry.name.current, namespace },
        involvedObject,
        reason,
        message,
        type,
        source,
        firstTimestamp: entry.firstTimestamp,
        lastTimestamp: now,
        count: entry.count,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: opts.host ?? '',
      };
      queue = queue.then(() => write(ev, repeat, entry.name)).catch((err: unknown) => {
        log.error({ event: ev.metadata.name, namespace, reason, err: errorMessage(err) }, 'failed to write event');
      });
    } catch (err) {
      log.error({ reason, err: errorMessage(err) }, 'failed to record event');
    }
  }

  return { event, flush: () => queue };
}
