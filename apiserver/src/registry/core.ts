// The registry's shared state and low-level helpers: the store, the watch cache, the
// injected clock and random source, the service allocators, and how objects are read
// (freshest first from the cache, else from the store) and encoded for storage. The
// verbs (list.ts, watch.ts, create.ts, update.ts, delete.ts) are functions over this;
// registry.ts is the public face.
import { apiVersionOf, badRequest, failure, formatTime, notFound } from '@kubesim/shared';
import type { ApiError, Clock, KubeObject, Random, ResourceType } from '@kubesim/shared';
import { CompactedError, FutureRevisionError, isCompacted } from '@kubesim/store';
import type { KV } from '@kubesim/store';
import { ServiceAllocators } from './allocators.ts';
import { CachedObject, splicesIntoOwnMetadata, storedForm } from './cached-object.ts';
import { objectKey, resourcePrefix } from './keys.ts';
import { clone } from './objects.ts';
import { definitionOf, strategyFor } from './strategy.ts';
import type { Strategy } from './strategy.ts';
import type { KindDefinition } from '@kubesim/shared';
import { WatchCache } from './watch-cache.ts';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
}

export interface RegistryOptions {
  store: KV;
  clock: Clock;
  random: Random;
  /** the resources served (default: every resource in @kubesim/shared's table) */
  resources: readonly ResourceType[];
  serviceCIDR?: string;
  nodePortRange?: [number, number];
  /** events per watch-cache history window (resumes older than this go to the store) */
  watchCacheCapacity?: number;
  /** compact store history older than this (ms); 0 disables. Kubernetes: 5 minutes */
  compactionIntervalMs?: number;
  /** the address and port the `kubernetes` Service's endpoints point at */
  advertise?: { address: string; port: number };
}

/** per-resource knowledge the verbs need, computed once */
export interface ResourceInfo {
  type: ResourceType;
  apiVersion: string;
  prefix: string;
  strategy: Strategy;
  definition: KindDefinition | undefined;
}

export class RegistryCore {
  readonly store: KV;
  readonly clock: Clock;
  readonly random: Random;
  readonly cache: WatchCache;
  readonly allocators: ServiceAllocators;
  readonly resources: readonly ResourceType[];
  protected readonly options: RegistryOptions;
  private readonly infos = new Map<ResourceType, ResourceInfo>();
  private eventLease: { id: number; grantedAt: number } | undefined;

  constructor(opts: RegistryOptions) {
    this.options = opts;
    this.store = opts.store;
    this.clock = opts.clock;
    this.random = opts.random;
    this.resources = opts.resources;
    this.cache = new WatchCache(opts.store, opts.clock, opts.watchCacheCapacity ?? 20_000);
    this.allocators = new ServiceAllocators(opts.random, opts.serviceCIDR, opts.nodePortRange);
  }

  info(type: ResourceType): ResourceInfo {
    let i = this.infos.get(type);
    if (!i) {
      const known = this.resources.find((r) => r.group === type.group && r.resource === type.resource);
      if (!known) throw failure(404, 'NotFound', `the server could not find the requested resource (${type.resource}${type.group ? '.' + type.group : ''})`);
      i = { type: known, apiVersion: apiVersionOf(known), prefix: resourcePrefix(known), strategy: strategyFor(known), definition: definitionOf(known) };
      this.infos.set(type, i);
    }
    if (!i.definition) i.definition = definitionOf(i.type);
    return i;
  }

  nowTime(): string {
    return formatTime(this.clock.now());
  }

  /** namespace argument checks: required for namespaced kinds, ignored for cluster-scoped */
  namespaceFor(info: ResourceInfo, namespace: string | undefined, forList = false): string | undefined {
    if (!info.type.namespaced) return undefined;
    if (!namespace) {
      if (forList) return undefined;
      throw badRequest('the server could not find the requested resource: a namespace is required');
    }
    return namespace;
  }

  /** the current stored state of one object: from the cache when it is fresh, else the store */
  async readCurrent(info: ResourceInfo, namespace: string | undefined, name: string): Promise<CachedObject | undefined> {
    const key = objectKey(info.type, namespace, name);
    if (this.cache.fresh) return this.cache.get(key);
    const res = await this.store.get(key);
    if (!res.kv) return undefined;
    // the cache lags behind other keys' writes but may hold this one as it is (then with
    // the parsed object its watchers made)
    const cached = this.cache.get(key);
    if (cached && cached.modRevision === res.kv.modRevision) return cached;
    return new CachedObject(key, res.kv.modRevision, res.kv.createRevision, res.kv.value);
  }

  async readAt(info: ResourceInfo, namespace: string | undefined, name: string, revision: number): Promise<CachedObject | undefined> {
    const key = objectKey(info.type, namespace, name);
    const res = await this.store.get(key, { revision }).catch((err: unknown) => {
      throw storeReadError(err);
    });
    return res.kv ? new CachedObject(key, res.kv.modRevision, res.kv.createRevision, res.kv.value) : undefined;
  }

  async mustRead(info: ResourceInfo, namespace: string | undefined, name: string): Promise<CachedObject> {
    const cur = await this.readCurrent(info, namespace, name);
    if (!cur) throw notFound(info.type.resource, info.type.group, name);
    return cur;
  }

  /** a lease for an object with a TTL; leases are shared by objects written within a minute */
  async leaseFor(ttlSeconds: number): Promise<number> {
    const now = this.clock.now();
    if (this.eventLease && now - this.eventLease.grantedAt < 60_000) return this.eventLease.id;
    const lease = await this.store.grantLease(ttlSeconds + 60);
    this.eventLease = { id: lease.id, grantedAt: now };
    return lease.id;
  }

  forgetLease(): void {
    this.eventLease = undefined;
  }

  /**
   * Before storing `obj` as `value` at `key`: hand the watch cache the object its watchers
   * would parse out of `value`, when the resource's objects get parsed at all. That is `obj`
   * itself with `handOver` when `obj` is in the stored form already (the caller then never
   * changes it again), else a copy. `wellTyped`: the write found `obj` well-typed (see
   * CachedObject.wellTyped). Returns what the cache got, undefined when nothing (after a
   * write that did not happen, `unprime`).
   */
  primeWatchers(info: ResourceInfo, key: string, value: string, obj: KubeObject, wellTyped = false, handOver = false): KubeObject | undefined {
    if (!this.cache.parsesObjectsOf(info.prefix) || !splicesIntoOwnMetadata(obj, value)) return undefined;
    const form = storedForm(obj);
    const parsed = handOver && form === obj ? obj : clone(form);
    this.cache.prime(key, value, parsed, wellTyped);
    return parsed;
  }

  /** fill apiVersion and kind, as every served object carries them */
  stamp(info: ResourceInfo, obj: KubeObject): void {
    obj.apiVersion = info.apiVersion;
    obj.kind = info.type.kind;
  }
}

/** store errors a client can cause, as Statuses */
export function storeReadError(err: unknown): ApiError | unknown {
  if (isCompacted(err)) {
    const e = err as CompactedError;
    return failure(410, 'Expired', `too old resource version: ${e.requested} (${e.compacted})`);
  }
  if (err instanceof FutureRevisionError) {
    return failure(504, 'Timeout', `Too large resource version: ${err.requested}, current: ${err.current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
  }
  return err;
}

/** parse a resourceVersion query parameter: undefined for absent/empty */
export function parseResourceVersion(rv: string | undefined, what = 'resourceVersion'): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  if (!/^[0-9]+$/.test(rv) || !Number.isSafeInteger(Number(rv))) {
    throw failure(400, 'BadRequest', `${what}: Invalid value: ${JSON.stringify(rv)}: must be a non-negative integer`);
  }
  return Number(rv);
}
