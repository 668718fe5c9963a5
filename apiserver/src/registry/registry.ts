// The Registry: every verb on every resource, with Kubernetes' semantics, in process.
// The HTTP handlers (../http/) and the in-process Client (./in-process-client.ts) are thin
// layers over it, so both transports behave the same. Errors are ApiErrors (Statuses).
//
//   const registry = new Registry({ store, clock, random, resources: allResources });
//   await registry.start();                      // watch cache, default namespaces, `kubernetes` Service
//   registry.typeFor('apps', 'deployments')      // ResourceType | undefined
//   await registry.get(type, name, { namespace })                 → KubeObject (private copy)
//   await registry.list(type, { namespace, labelSelector, limit }) → KubeList
//   await registry.watch(type, opts, sink)                         → WatchHandle (see watch.ts WatchSink)
//   await registry.create(type, obj, { namespace, dryRun, user })  → KubeObject
//   await registry.update(type, obj, { namespace, subresource })   → { object, created }
//   await registry.patch(type, name, patch, { type: 'merge', namespace })  → { object, created }
//   await registry.guaranteedUpdate(type, ns, name, (cur) => next, { subresource: 'scale' })
//       read-modify-write with retries; part 2's subresources (scale, eviction) use this;
//       a subresource name other than 'status'/'finalize' accepts the whole object as written
//   await registry.delete(type, name, { namespace, propagationPolicy, gracePeriodSeconds }) → { object, deleted }
//   await registry.deleteCollection(type, listOpts, deleteOpts)
//   registry.registerSubresource('', 'pods', 'eviction', { create: async (req) => ... })
//       subresource handlers used by HTTP (when no fastify route of its own) and in process
// Built in: pods/binding, namespaces/finalize and every `status`.
import { apiVersionOf, failure, formatTime, notFound, resources, successStatus } from '@kubesim/shared';
import type { DeleteOptions, KubeList, KubeObject, ListOptions, PatchType, ResourceType, Status, WatchOptions } from '@kubesim/shared';
import type { CachedObject } from './cached-object.ts';
import { RegistryCore, parseResourceVersion } from './core.ts';
import type { RegistryOptions, UserInfo } from './core.ts';
import { bootstrap } from './bootstrap.ts';
import { createObject } from './create.ts';
import { deleteCollection, deleteObject } from './delete.ts';
import type { DeleteResult } from './delete.ts';
import { listObjects } from './list.ts';
import type { ListResult } from './list.ts';
import { patchObject } from './patch-object.ts';
import { guaranteedUpdate, updateObject } from './update.ts';
import type { UpdateResult } from './update.ts';
import { startWatch } from './watch.ts';
import type { WatchHandle, WatchSink } from './watch.ts';
import type { WriteContext } from './write-common.ts';
import { isPlainObject } from './objects.ts';
import './kinds/jobs.ts'; // registers the Job selector hook (extendStrategy)
import './kinds/resourcequotas.ts'; // registers the ResourceQuota status hooks (extendStrategy)

export type { RegistryOptions, UserInfo } from './core.ts';
export type { WatchSink, WatchHandle } from './watch.ts';
export type { ListResult } from './list.ts';
export type { UpdateResult } from './update.ts';
export type { DeleteResult } from './delete.ts';
export type { WriteContext } from './write-common.ts';
export { CachedObject } from './cached-object.ts';

export interface SubresourceRequest {
  type: ResourceType;
  namespace: string | undefined;
  name: string;
  subresource: string;
  /** decoded request body (create/update/patch) */
  body?: unknown;
  /** query parameters as given */
  query: Record<string, string>;
  user?: UserInfo;
  dryRun?: boolean;
  fieldManager?: string;
  /** names the field manager when fieldManager is absent */
  userAgent?: string;
  patchType?: PatchType;
}

/** a subresource's verbs; each returns the response body (and optionally the HTTP code) */
export interface SubresourceHandler {
  get?(req: SubresourceRequest): Promise<unknown>;
  create?(req: SubresourceRequest): Promise<{ code?: number; body: unknown }>;
  update?(req: SubresourceRequest): Promise<unknown>;
  patch?(req: SubresourceRequest): Promise<unknown>;
}

/** DeleteOptions without the wire form of dryRun (a boolean in the write context) */
export type DeleteOpts = Omit<DeleteOptions, 'dryRun' | 'kind' | 'apiVersion'>;

export interface RegistryWriteOptions extends WriteContext {
  namespace?: string;
  /** the caller gives the object away: the registry may change it instead of copying it */
  owned?: boolean;
}

export class Registry extends RegistryCore {
  private readonly subresources = new Map<string, SubresourceHandler>();
  /** how often watches with allowWatchBookmarks get a BOOKMARK */
  bookmarkIntervalMs = 60_000;
  private started = false;

  constructor(opts: RegistryOptions) {
    super(opts);
    this.registerSubresource('', 'pods', 'binding', { create: (req) => this.bind(req) });
  }

  /** where the `kubernetes` Service's endpoints point (set before start) */
  setAdvertise(advertise: { address: string; port: number }): void {
    this.options.advertise = advertise;
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.cache.start();
    await bootstrap(this, this.options.advertise);
    this.started = true;
  }

  async stop(): Promise<void> {
    await this.cache.stop();
  }

  /** the served resource for a URL's group and plural name */
  typeFor(group: string, resource: string): ResourceType | undefined {
    return this.resources.find((r) => r.group === group && r.resource === resource);
  }

  registerSubresource(group: string, resource: string, subresource: string, handler: SubresourceHandler): void {
    this.subresources.set(`${group}/${resource}/${subresource}`, handler);
  }

  subresourceHandler(type: ResourceType, subresource: string): SubresourceHandler | undefined {
    return this.subresources.get(`${type.group}/${type.resource}/${subresource}`);
  }

  /** the stored object (shared, do not mutate); resourceVersion as for GET */
  async getCached(type: ResourceType, namespace: string | undefined, name: string, resourceVersion?: string): Promise<CachedObject> {
    const info = this.info(type);
    const ns = this.namespaceFor(info, namespace);
    const rv = parseResourceVersion(resourceVersion);
    if (rv !== undefined && rv > 0 && this.cache.revision < rv) await this.cache.waitForRevision(rv, 3000);
    const cur = await this.readCurrent(info, ns, name);
    if (!cur) throw notFound(type.resource, type.group, name);
    return cur;
  }

  async get<T extends KubeObject = KubeObject>(type: ResourceType, name: string, opts: { namespace?: string; resourceVersion?: string } = {}): Promise<T> {
    return (await this.getCached(type, opts.namespace, name, opts.resourceVersion)).toObject<T>();
  }

  listRaw(type: ResourceType, opts: ListOptions): Promise<ListResult> {
    return listObjects(this, this.info(type), opts);
  }

  async list<T extends KubeObject = KubeObject>(type: ResourceType, opts: ListOptions = {}): Promise<KubeList<T>> {
    const r = await this.listRaw(type, opts);
    const list: KubeList<T> = { apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata: { resourceVersion: String(r.revision) }, items: r.items.map((o) => o.toObject<T>()) };
    if (r.continue) list.metadata.continue = r.continue;
    if (r.remainingItemCount !== undefined) list.metadata.remainingItemCount = r.remainingItemCount;
    return list;
  }

  watch(type: ResourceType, opts: WatchOptions, sink: WatchSink): Promise<WatchHandle> {
    return startWatch(this, this.info(type), opts, sink, { bookmarkIntervalMs: this.bookmarkIntervalMs });
  }

  create<T extends KubeObject = KubeObject>(type: ResourceType, obj: unknown, opts: RegistryWriteOptions = {}): Promise<T> {
    return createObject(this, this.info(type), opts.namespace ?? (obj as KubeObject)?.metadata?.namespace, obj, opts) as Promise<T>;
  }

  update(type: ResourceType, obj: unknown, opts: RegistryWriteOptions & { subresource?: string; name?: string } = {}): Promise<UpdateResult> {
    const o = obj as KubeObject;
    const name = opts.name ?? o?.metadata?.name ?? '';
    if (!name) throw failure(400, 'BadRequest', 'name is required for an update');
    return updateObject(this, this.info(type), opts.namespace ?? o?.metadata?.namespace, name, obj, opts);
  }

  patch(type: ResourceType, name: string, patch: unknown, opts: RegistryWriteOptions & { type: PatchType; subresource?: string; force?: boolean }): Promise<UpdateResult> {
    return patchObject(this, this.info(type), opts.namespace, name, patch, opts);
  }

  guaranteedUpdate(type: ResourceType, namespace: string | undefined, name: string, tryUpdate: (current: KubeObject) => unknown, ctx: WriteContext & { subresource?: string } = {}): Promise<KubeObject> {
    return guaranteedUpdate(this, this.info(type), namespace, name, tryUpdate, ctx);
  }

  delete(type: ResourceType, name: string, opts: DeleteOpts & RegistryWriteOptions = {}): Promise<DeleteResult> {
    return deleteObject(this, this.info(type), opts.namespace, name, opts, opts);
  }

  deleteCollection(type: ResourceType, listOpts: ListOptions, opts: DeleteOpts & WriteContext = {}): Promise<{ items: KubeObject[]; revision: number }> {
    return deleteCollection(this, this.info(type), listOpts, opts, opts);
  }

  /** POST pods/<name>/binding: assign a pending pod to a node (the scheduler's write) */
  private async bind(req: SubresourceRequest): Promise<{ code: number; body: Status }> {
    const b = req.body;
    const target = isPlainObject(b) && isPlainObject(b['target']) ? b['target'] : undefined;
    const nodeName = target && typeof target['name'] === 'string' ? target['name'] : '';
    if (!nodeName) {
      throw failure(422, 'Invalid', `Binding.core "${req.name}" is invalid: target.name: Required value`, { name: req.name, kind: 'Binding', causes: [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }] });
    }
    if (target && target['kind'] !== undefined && target['kind'] !== '' && target['kind'] !== 'Node') {
      throw failure(422, 'Invalid', `Binding.core "${req.name}" is invalid: target.kind: Unsupported value: ${JSON.stringify(target['kind'])}: supported values: "Node"`);
    }
    const annotations = isPlainObject(b) && isPlainObject(b['metadata']) && isPlainObject(b['metadata']['annotations']) ? (b['metadata']['annotations'] as Record<string, string>) : {};
    const now = formatTime(this.clock.now());
    // (tryUpdate's pod is made from its copy; the answer is not read)
    await guaranteedUpdate(
      this,
      this.info(resources.pods),
      req.namespace,
      req.name,
      (cur) => {
        const pod = cur as KubeObject & { spec?: { nodeName?: string }; status?: { conditions?: Array<Record<string, unknown>> } };
        if (pod.metadata.deletionTimestamp) throw failure(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${req.name}": pod ${req.name} is being deleted, cannot be assigned to a host`, { name: req.name, kind: 'pods/binding' });
        if (pod.spec?.nodeName) throw failure(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${req.name}": pod ${req.name} is already assigned to node "${pod.spec.nodeName}"`, { name: req.name, kind: 'pods/binding' });
        pod.spec = { ...(pod.spec ?? {}), nodeName };
        if (Object.keys(annotations).length) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...annotations };
        const status = (pod.status ??= {});
        const conditions = (status.conditions ?? []).filter((c) => c['type'] !== 'PodScheduled');
        conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: now });
        status.conditions = conditions;
        return pod;
      },
      { subresource: 'binding', answerUnused: true, ...(req.dryRun ? { dryRun: true } : {}), ...(req.fieldManager ? { fieldManager: req.fieldManager } : {}), ...(req.userAgent ? { userAgent: req.userAgent } : {}) },
    );
    return { code: 201, body: successStatus(201) };
  }
}
