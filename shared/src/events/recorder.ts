// EventRecorder, as client-go's record.EventRecorder: `recorder.event(pod, 'Warning', 'BackOff',
// msg)` writes a core/v1 Event named `<name>.<hex nanoseconds>` in the object's namespace
// ("default" for cluster-scoped objects). A repeat (same object, type, reason, message) within
// 10 minutes PATCHes count and lastTimestamp instead. Writes run in the background, in order;
// `event` never throws (failures are logged); `flush()` waits. Times come from the Clock.
// Simplified: no spam filter/rate limit, no "(combined from similar events)" aggregation.

import type { Clock } from '../clock.ts';
import { formatTime } from '../clock.ts';
import type { Client } from '../client/types.ts';
import type { KubeObject } from '../api/meta.ts';
import { resources, type ResourceType } from '../api/resources.ts';
import { isNotFound } from '../errors.ts';
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

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

export function createEventRecorder(opts: EventRecorderOptions): EventRecorder {
  const { client, clock, component } = opts;
  const log = opts.logger ?? noopLogger;
  const seen = new Map<string, Seen>();
  let queue: Promise<void> = Promise.resolve();
  let lastNanos = 0n;

  /** clock nanoseconds, bumped so two events in one millisecond get different names */
  const uniqueNanos = (ms: number): bigint => {
    const nanos = BigInt(Math.floor(ms)) * 1_000_000n;
    lastNanos = nanos > lastNanos ? nanos : lastNanos + 1n;
    return lastNanos;
  };

  const remember = (key: string, entry: Seen): void => {
    seen.delete(key);
    seen.set(key, entry);
    if (seen.size > MAX_REMEMBERED) seen.delete(seen.keys().next().value as string);
  };

  async function write(ev: RecordedEvent, repeat: boolean): Promise<void> {
    const namespace = ev.metadata.namespace;
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
    await client.create(resources.events as ResourceType, ev, { namespace });
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
      const key = JSON.stringify([component, opts.host ?? '', kind, namespace, involvedObject.name, involvedObject.uid, apiVersion, eventOpts.fieldPath ?? '', type, reason, message]);
      const prior = seen.get(key);
      const repeat = prior !== undefined && nowMs - prior.lastSeenMs <= EVENT_AGGREGATION_WINDOW_MS;
      const entry: Seen = repeat
        ? { ...prior, count: prior.count + 1, lastSeenMs: nowMs }
        : { name: `${involvedObject.name}.${uniqueNanos(nowMs).toString(16)}`, namespace, count: 1, firstTimestamp: now, lastSeenMs: nowMs };
      remember(key, entry);

      const source: RecordedEvent['source'] = { component };
      if (opts.host !== undefined) source.host = opts.host;
      const ev: RecordedEvent = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: entry.name, namespace },
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
      queue = queue.then(() => write(ev, repeat)).catch((err: unknown) => {
        log.error({ event: ev.metadata.name, namespace, reason, err: errorMessage(err) }, 'failed to write event');
      });
    } catch (err) {
      log.error({ reason, err: errorMessage(err) }, 'failed to record event');
    }
  }

  return { event, flush: () => queue };
}
