// A shared informer (client-go's SharedIndexInformer): one reflector feeding one cache,
// and any number of event handlers. The cache is updated first, then each handler is
// told, synchronously and in order: onAdd, onUpdate(old, new), onDelete. After a relist,
// objects that vanished while the watch was down are deleted with a
// DeletedFinalStateUnknown tombstone (their last known state). A periodic resync, if
// asked for, replays every cached object to onUpdate(obj, obj). Handlers must not block.
// A `transform` (transform.ts) is applied to every object received, before all of that.

import type { KubeObject } from '../api/meta.ts';
import type { ResourceType } from '../api/resources.ts';
import type { Client } from '../client/types.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import { errorMessage, noopLogger } from '../logger-like.ts';
import type { LoggerLike } from '../logger-like.ts';
import { Reflector } from './reflector.ts';
import type { ListWatchOptions, ReflectorSink } from './reflector.ts';
import { Indexer, deepFreeze, metaNamespaceIndexFunc, metaNamespaceKey, namespaceIndex } from './store.ts';
import type { Indexers, ReadonlyIndexer } from './store.ts';
import type { TransformFunc } from './transform.ts';

/** The last state known of an object deleted while the informer was not watching. */
export class DeletedFinalStateUnknown<T extends KubeObject = KubeObject> {
  constructor(
    readonly key: string,
    readonly obj: T,
  ) {}
}

/** the key of an object or a tombstone, for onDelete handlers */
export function deletionHandlingKey(obj: KubeObject | DeletedFinalStateUnknown): string {
  return obj instanceof DeletedFinalStateUnknown ? obj.key : metaNamespaceKey(obj);
}

/** the object an onDelete handler was given, unwrapping a tombstone */
export function finalStateOf<T extends KubeObject>(obj: T | DeletedFinalStateUnknown<T>): T {
  return obj instanceof DeletedFinalStateUnknown ? obj.obj : obj;
}

export interface ResourceEventHandler<T extends KubeObject> {
  /** `isInInitialList`: the object came with the first list, not from a change */
  onAdd?(obj: T, isInInitialList: boolean): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

export interface SharedInformerOptions<T extends KubeObject> extends ListWatchOptions {
  client: Client;
  type: ResourceType<T>;
  clock: Clock;
  /** replay the cache to onUpdate this often (ms); 0 or absent: never */
  resyncPeriod?: number;
  indexers?: Indexers<T>;
  logger?: LoggerLike;
  pageSize?: number;
  watchTimeoutSeconds?: number;
  /** applied to each received object before it is cached (e.g. stripManagedFields) */
  transform?: TransformFunc;
}

export class SharedInformer<T extends KubeObject = KubeObject> {
  readonly type: ResourceType<T>;
  readonly #opts: SharedInformerOptions<T>;
  readonly #indexer: Indexer<T>;
  readonly #handlers = new Set<ResourceEventHandler<T>>();
  readonly #reflector: Reflector<T>;
  readonly #log: LoggerLike;
  #synced = false;
  #syncWaiters: ((synced: boolean) => void)[] = [];
  #abort: AbortController | undefined;
  #running: Promise<void> | undefined;
  #resyncTimer: TimerHandle | undefined;
  #stopped = false;

  constructor(opts: SharedInformerOptions<T>) {
    this.type = opts.type;
    this.#opts = opts;
    this.#log = opts.logger ?? noopLogger;
    this.#indexer = new Indexer<T>({ ...(opts.type.namespaced ? { [namespaceIndex]: metaNamespaceIndexFunc } : {}), ...opts.indexers });
    const t = opts.transform;
    const sink: ReflectorSink<T> = t
      ? {
          replace: (items) => this.#replace(items.map((o) => t(o))),
          added: (obj) => this.#upsert(t(obj)),
          modified: (obj) => this.#upsert(t(obj)),
          deleted: (obj) => this.#delete(t(obj)),
        }
      : {
          replace: (items) => this.#replace(items),
          added: (obj) => this.#upsert(obj),
          modified: (obj) => this.#upsert(obj),
          deleted: (obj) => this.#delete(obj),
        };
    this.#reflector = new Reflector<T>({ ...opts, ...(opts.logger ? { logger: opts.logger } : {}) }, sink);
  }

  /** the cache: read it, never change what it returns */
  get store(): ReadonlyIndexer<T> {
    return this.#indexer;
  }

  addIndexers(indexers: Indexers<T>): void {
    this.#indexer.addIndexers(indexers);
  }

  /** register a handler; if the cache already has objects, it gets onAdd for each */
  addEventHandler(handler: ResourceEventHandler<T>): { remove(): void } {
    this.#handlers.add(handler);
    if (handler.onAdd) {
      for (const obj of this.#indexer.list()) {
        try {
          handler.onAdd(obj, true);
        } catch (err) {
          this.#threw('onAdd', err);
        }
      }
    }
    return { remove: () => void this.#handlers.delete(handler) };
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  /** true once the first list is in the cache; false if the informer stops (or `signal` aborts) first */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (this.#stopped || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const onAbort = (): void => {
        this.#syncWaiters = this.#syncWaiters.filter((w) => w !== done);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#syncWaiters.push(done);
    });
  }

  lastSyncResourceVersion(): string {
    return this.#reflector.lastSyncResourceVersion();
  }

  isRunning(): boolean {
    return this.#running !== undefined && !this.#stopped;
  }

  /** start listing and watching (once) */
  run(): void {
    if (this.#running || this.#stopped) return;
    this.#abort = new AbortController();
    this.#running = this.#reflector.run(this.#abort.signal).catch((err: unknown) => {
      this.#log.error({ resource: this.type.resource, err: errorMessage(err) }, 'reflector stopped on an error');
    });
    const period = this.#opts.resyncPeriod ?? 0;
    if (period > 0) this.#resyncTimer = this.#opts.clock.setInterval(() => this.#resync(), period);
  }

  /** stop watching; resolves when the reflector has exited */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#opts.clock.clearInterval(this.#resyncTimer);
    this.#abort?.abort();
    for (const w of this.#syncWaiters.splice(0)) w(false);
    await this.#running;
  }

  #replace(items: T[]): void {
    const initial = !this.#synced;
    const seen = new Set<string>();
    for (const obj of items) {
      const key = metaNamespaceKey(obj);
      seen.add(key);
      const old = this.#indexer.get(key);
      this.#indexer.upsert(obj);
      if (old) this.#notifyUpdate(old, obj);
      else this.#notifyAdd(obj, initial);
    }
    for (const key of this.#indexer.listKeys()) {
      if (seen.has(key)) continue;
      const old = this.#indexer.delete(key)!;
      this.#notifyDelete(new DeletedFinalStateUnknown(key, old));
    }
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w(true);
    }
  }

  #upsert(obj: T): void {
    const old = this.#indexer.upsertReplacing(obj);
    if (old) this.#notifyUpdate(old, obj);
    else this.#notifyAdd(obj, false);
  }

  #delete(obj: T): void {
    const key = metaNamespaceKey(obj);
    this.#indexer.delete(key);
    // the deleted object as the server sent it (its final state), frozen like the cache's
    deepFreeze(obj);
    this.#notifyDelete(obj);
  }

  #resync(): void {
    if (!this.#synced) return;
    for (const obj of this.#indexer.list()) this.#notifyUpdate(obj, obj);
  }

  // one loop per kind of call, without a closure per handler: every event of every informer comes through here

  #notifyAdd(obj: T, initial: boolean): void {
    for (const h of this.#handlers) {
      if (!h.onAdd) continue;
      try {
        h.onAdd(obj, initial);
      } catch (err) {
        this.#threw('onAdd', err);
      }
    }
  }

  #notifyUpdate(old: T, obj: T): void {
    for (const h of this.#handlers) {
      if (!h.onUpdate) continue;
      try {
        h.onUpdate(old, obj);
      } catch (err) {
        this.#threw('onUpdate', err);
      }
    }
  }

  #notifyDelete(obj: T | DeletedFinalStateUnknown<T>): void {
    for (const h of this.#handlers) {
      if (!h.onDelete) continue;
      try {
        h.onDelete(obj);
      } catch (err) {
        this.#threw('onDelete', err);
      }
    }
  }

  #threw(what: string, err: unknown): void {
    this.#log.error({ resource: this.type.resource, handler: what, err: errorMessage(err) }, 'event handler threw');
  }
}
