// SharedInformerFactory: one informer per (resource, namespace, selectors) in a process,
// so every controller that asks for pods shares one watch and one cache (client-go's
// informers.SharedInformerFactory). Ask for informers with forResource(), then start():
// it starts every informer asked for so far (call it again after asking for more).
// stop() stops them all. A `transform` (stripManagedFields) applies to every informer.
//   const pods = factory.forResource(resources.pods); factory.start(); await factory.waitForCacheSync();

import type { KubeObject } from '../api/meta.ts';
import type { ResourceType } from '../api/resources.ts';
import type { Client } from '../client/types.ts';
import type { Clock } from '../clock.ts';
import type { LoggerLike } from '../logger-like.ts';
import type { ListWatchOptions } from './reflector.ts';
import { SharedInformer } from './shared-informer.ts';
import type { SharedInformerOptions } from './shared-informer.ts';
import type { TransformFunc } from './transform.ts';

export interface SharedInformerFactoryOptions {
  client: Client;
  clock: Clock;
  /** default resync period for every informer (ms); 0: none */
  resyncPeriod?: number;
  /** restrict every informer to one namespace unless forResource says otherwise */
  namespace?: string;
  logger?: LoggerLike;
  pageSize?: number;
  watchTimeoutSeconds?: number;
  /** applied by every informer to each object before caching it (e.g. stripManagedFields) */
  transform?: TransformFunc;
}

export interface ForResourceOptions extends ListWatchOptions {
  resyncPeriod?: number;
  /** this informer's transform, instead of the factory's (it is made by the first request
   *  for these options: a later request's transform is not used) */
  transform?: TransformFunc;
}

export class SharedInformerFactory {
  readonly #opts: SharedInformerFactoryOptions;
  readonly #informers = new Map<string, SharedInformer>();
  #started = false;

  constructor(opts: SharedInformerFactoryOptions) {
    this.#opts = opts;
  }

  /** the shared informer for `type` with these options (created on first request) */
  forResource<T extends KubeObject>(type: ResourceType<T>, opts: ForResourceOptions = {}): SharedInformer<T> {
    const namespace = opts.namespace ?? this.#opts.namespace;
    const ns = type.namespaced ? namespace : undefined;
    const key = [type.group, type.version, type.resource, ns ?? '', opts.labelSelector ?? '', opts.fieldSelector ?? ''].join('|');
    let informer = this.#informers.get(key) as SharedInformer<T> | undefined;
    if (!informer) {
      const { client, clock, logger, pageSize, watchTimeoutSeconds } = this.#opts;
      const transform = opts.transform ?? this.#opts.transform;
      const resync = opts.resyncPeriod ?? this.#opts.resyncPeriod;
      const io: SharedInformerOptions<T> = { client, clock, type };
      if (ns !== undefined) io.namespace = ns;
      if (opts.labelSelector) io.labelSelector = opts.labelSelector;
      if (opts.fieldSelector) io.fieldSelector = opts.fieldSelector;
      if (resync !== undefined) io.resyncPeriod = resync;
      if (logger) io.logger = logger;
      if (pageSize !== undefined) io.pageSize = pageSize;
      if (watchTimeoutSeconds !== undefined) io.watchTimeoutSeconds = watchTimeoutSeconds;
      if (transform) io.transform = transform;
      informer = new SharedInformer<T>(io);
      this.#informers.set(key, informer as unknown as SharedInformer);
    }
    return informer;
  }

  /** start every informer not yet running */
  start(): void {
    this.#started = true;
    for (const inf of this.#informers.values()) inf.run();
  }

  get started(): boolean {
    return this.#started;
  }

  /** every informer asked for so far */
  informers(): SharedInformer[] {
    return [...this.#informers.values()];
  }

  /** true once every started informer has synced; false if one stops or `signal` aborts first */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all(this.informers().map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers().map((i) => i.stop()));
  }
}
