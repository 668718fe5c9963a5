// A component's view of the in-process apiserver in the simulation: the real Client,
// wrapped so that every write and every watch delivery lands in the trace, and so that
// faults (conflicts, expired or dropped watches, latency, lost bindings) can be injected
// between this component and the apiserver. Options pass through unchanged (a write with
// `answer: 'metadata'` gets the PartialObjectMetadata the inner client answers, and the
// trace records its resourceVersion as it would the object's).

import { ApiError, apiVersionOf, expired, conflict as conflictError } from '@kubesim/shared';
import type { Client, KubeObject, ResourceType, WatchEvent, WatchStream } from '@kubesim/shared';
import type { Clock } from '@kubesim/shared';
import type { FaultState } from './faults.ts';
import type { Trace, TraceEntry, TraceOp } from './trace.ts';

export interface TracedClient extends Client {
  /** end every open watch of this component (its reflectors re-watch) */
  dropWatches(): void;
}

export interface TraceClientOptions {
  /** false: writes of Events are answered here and never reach the apiserver (default true) */
  events?: boolean;
}

const isEventType = (type: ResourceType): boolean => type.kind === 'Event';

// A write races another (and may get 409 Conflict) only when it states the resourceVersion
// it read: an update, or a patch carrying metadata.resourceVersion. A patch without one is
// applied to whatever is current (a uid precondition fails only on a different object, which
// is not a race). Injected conflicts hit racing writes only, as a real apiserver would.
function hasPrecondition(patch: unknown): boolean {
  if (Array.isArray(patch)) return patch.some((op: { path?: string }) => op.path === '/metadata/resourceVersion');
  return (patch as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion !== undefined;
}

export function traceClient(inner: Client, component: string, clock: Clock, trace: Trace, faults: () => FaultState, options: TraceClientOptions = {}): TracedClient {
  const open = new Set<WatchStream>();
  const dropEvents = options.events === false;
  let droppedEvents = 0;
  // what a dropped Event write answers: the object as sent, as if stored (or its metadata,
  // when the write asked for that)
  const metadataOnly = (opts: { answer?: 'metadata' | 'shared' } | undefined, obj: KubeObject): KubeObject =>
    opts?.answer === 'metadata' ? { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata } : obj;
  const fakeStored = <T extends KubeObject>(obj: T, opts: { answer?: 'metadata' | 'shared' } | undefined): never =>
    metadataOnly(opts, { ...obj, metadata: { ...obj.metadata, resourceVersion: '1', uid: `dropped-event-${++droppedEvents}` } }) as never;
  const sleepFor = async (ms: number): Promise<void> => {
    await clock.sleep(ms);
  };
  // Every call waits one turn before reaching the apiserver, even without latency, so that
  // components interleave as they always have: `await delay()` takes exactly the turns an
  // async function that awaits nothing (or the sleep) would, without making one per call.
  const delay = (): Promise<void> | undefined => {
    const ms = faults().latencyMs;
    return ms > 0 ? sleepFor(ms) : undefined;
  };
  const note = (op: TraceOp, type: ResourceType, ns: string | undefined, name: string | undefined, detail: string | undefined, resourceVersion: string | undefined, error: string | undefined): void => {
    if (!trace.keeps(op)) return;
    // (the entry's members in the order they always had, each only when it has a value)
    const entry: TraceEntry = { t: clock.now(), component, op, resource: type.resource };
    if (ns) entry.namespace = ns;
    if (name) entry.name = name;
    if (detail) entry.detail = detail;
    if (resourceVersion) entry.resourceVersion = resourceVersion;
    if (error) entry.error = error;
    trace.add(entry);
  };
  async function write<R>(op: TraceOp, type: ResourceType, ns: string | undefined, name: string | undefined, call: () => Promise<R>, detail?: string): Promise<R> {
    await delay();
    if (!trace.keeps(op)) return await call(); // the same turns as below, whatever the trace keeps
    try {
      const out = await call();
      const meta = (out as KubeObject | undefined)?.metadata;
      note(op, type, ns, name ?? meta?.name, detail, meta?.resourceVersion, undefined);
      return out;
    } catch (err) {
      note(op, type, ns, name, detail, undefined, err instanceof ApiError ? (err.reason ?? String(err.code)) : 'Error');
      throw err;
    }
  }
  const takeConflict = (type: ResourceType, name: string): void => {
    const f = faults();
    if (f.conflicts > 0) {
      f.conflicts--;
      throw conflictError(type.resource, type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
  };

  const client: TracedClient = {
    async get(type, name, opts) {
      await delay();
      return inner.get(type, name, opts);
    },
    async list(type, opts) {
      await delay();
      return inner.list(type, opts);
    },
    watch<T extends KubeObject>(type: ResourceType<T>, opts: Parameters<Client['watch']>[1] = {}): WatchStream<T> {
      const f = faults();
      let stream: WatchStream<T>;
      if (f.expiredWatches > 0) {
        f.expiredWatches--;
        const status = expired(`too old resource version: ${opts.resourceVersion ?? '0'}`).status;
        stream = { close() {}, async *[Symbol.asyncIterator]() { yield { type: 'ERROR', object: status as unknown as T }; } };
      } else stream = inner.watch(type, opts);
      const wrapped: WatchStream<T> = {
        close: () => {
          open.delete(wrapped as WatchStream);
          stream.close();
        },
        async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent<T>> {
          try {
            const traced = trace.keeps('watch');
            for await (const ev of stream) {
              if (traced) note('watch', type, ev.object.metadata?.namespace, ev.object.metadata?.name, ev.type, ev.object.metadata?.resourceVersion, undefined);
              yield ev;
            }
          } finally {
            open.delete(wrapped as WatchStream);
          }
        },
      };
      open.add(wrapped as WatchStream);
      return wrapped;
    },
    create: (type, obj, opts) =>
      dropEvents && isEventType(type) ? Promise.resolve(fakeStored(obj, opts)) : write('create', type, opts?.namespace ?? obj.metadata.namespace, obj.metadata.name, () => inner.create(type, obj, opts)),
    update: (type, obj, opts) =>
      write('update', type, opts?.namespace ?? obj.metadata.namespace, obj.metadata.name, async () => {
        if (obj.metadata.resourceVersion) takeConflict(type, obj.metadata.name ?? '');
        return inner.update(type, obj, opts);
      }, opts?.subresource),
    patch: (type, name, patch, opts) =>
      dropEvents && isEventType(type) ? Promise.resolve(metadataOnly(opts, { apiVersion: apiVersionOf(type), kind: type.kind, metadata: { name, resourceVersion: '1' } }) as never) : write('patch', type, opts.namespace, name, async () => {
        if (hasPrecondition(patch)) takeConflict(type, name);
        return inner.patch(type, name, patch, opts);
      }, opts.subresource),
    delete: (type, name, opts) => write('delete', type, opts?.namespace, name, () => inner.delete(type, name, opts)),
    deleteCollection: (type, opts) => write('deletecollection', type, opts?.namespace, undefined, () => inner.deleteCollection(type, opts)),
    async getSubresource(type, name, sub, opts) {
      await delay();
      return inner.getSubresource(type, name, sub, opts);
    },
    createSubresource: (type, name, sub, body, opts) =>
      write('subresource', type, opts?.namespace, name, async () => {
        const f = faults();
        if (sub === 'binding' && f.droppedBindings > 0) {
          f.droppedBindings--;
          return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } as never;
        }
        return inner.createSubresource(type, name, sub, body, opts);
      }, sub),
    updateSubresource: (type, name, sub, body, opts) => write('subresource', type, opts?.namespace, name, () => inner.updateSubresource(type, name, sub, body, opts), sub),
    logs: (name, opts) => inner.logs(name, opts),
    logStream: (name, opts) => inner.logStream(name, opts),
    dropWatches() {
      for (const w of [...open]) w.close();
    },
  };
  return client;
}
