// DELETE and DELETECOLLECTION, as Kubernetes' generic registry deletes:
// 1. preconditions (uid, resourceVersion) must hold, else 409;
// 2. propagationPolicy sets the garbage collector's finalizers: Orphan → "orphan",
//    Foreground → "foregroundDeletion", Background → neither (the GC controller does
//    the cascading; the apiserver only records the intent);
// 3. a graceful kind (pods on a node) or an object with finalizers is only marked:
//    deletionTimestamp (= now + grace) and deletionGracePeriodSeconds; a later delete
//    may shorten the grace; grace 0 with no finalizers removes it;
// 4. otherwise the key is removed (compare-and-swap on the revision read).
// Namespaces are marked Terminating first (kinds/namespaces.ts).
import { conflict, failure, formatTime } from '@kubesim/shared';
import type { DeleteOptions, KubeObject, ListOptions } from '@kubesim/shared';
import type { CachedObject } from './cached-object.ts';
import { toStoredValue } from './cached-object.ts';
import type { RegistryCore, ResourceInfo } from './core.ts';
import { objectKey } from './keys.ts';
import { IMMORTAL_NAMESPACES, immortalNamespace, namespaceCanBeRemoved } from './kinds/namespaces.ts';
import type { NamespaceLike } from './kinds/namespaces.ts';
import { podGracePeriod } from './kinds/pods.ts';
import { releaseService } from './kinds/services.ts';
import type { ServiceLike } from './kinds/services.ts';
import { listObjects } from './list.ts';
import { withoutMember } from './objects.ts';
import type { WriteContext } from './write-common.ts';

export interface DeleteResult {
  /** the object: its last state when removed, the marked state when only marked */
  object: KubeObject;
  /** true when the key is gone from the store */
  deleted: boolean;
}

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

function policyOf(opts: Omit<DeleteOptions, 'dryRun'>): DeleteOptions['propagationPolicy'] | undefined {
  if (opts.propagationPolicy) return opts.propagationPolicy;
  if (opts.orphanDependents === true) return 'Orphan';
  if (opts.orphanDependents === false) return 'Background';
  return undefined;
}

/** the GC finalizers per policy; true when they changed */
function applyPolicy(obj: KubeObject, opts: Omit<DeleteOptions, 'dryRun'>): boolean {
  const policy = policyOf(opts);
  if (!policy) return false;
  const before = obj.metadata.finalizers ?? [];
  let after = before.filter((f) => f !== ORPHAN && f !== FOREGROUND);
  if (policy === 'Orphan') after = [...after, ORPHAN];
  if (policy === 'Foreground') after = [...after, FOREGROUND];
  if (after.length === before.length && after.every((f, i) => f === before[i])) return false;
  if (after.length) obj.metadata.finalizers = after;
  else delete obj.metadata.finalizers;
  return true;
}

function checkPreconditions(info: ResourceInfo, name: string, current: CachedObject, opts: Omit<DeleteOptions, 'dryRun'>): void {
  const pre = opts.preconditions;
  if (!pre) return;
  const uid = current.obj.metadata.uid;
  if (pre.uid && pre.uid !== uid) {
    throw conflict(info.type.resource, info.type.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${uid ?? ''}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== String(current.modRevision)) {
    throw conflict(info.type.resource, info.type.group, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.modRevision}`);
  }
}

export async function deleteObject(core: RegistryCore, info: ResourceInfo, namespace: string | undefined, name: string, opts: Omit<DeleteOptions, 'dryRun'>, ctx: WriteContext): Promise<DeleteResult> {
  const ns = core.namespaceFor(info, namespace);
  if (opts.gracePeriodSeconds !== undefined && !Number.isInteger(opts.gracePeriodSeconds)) {
    throw failure(400, 'BadRequest', `gracePeriodSeconds: Invalid value: ${JSON.stringify(opts.gracePeriodSeconds)}: must be an integer`);
  }
  const isNamespace = info.type.group === '' && info.type.resource === 'namespaces';
  const isPod = info.type.group === '' && info.type.resource === 'pods';
  if (isNamespace && IMMORTAL_NAMESPACES.includes(name)) throw immortalNamespace(name);
  const key = objectKey(info.type, ns, name);

  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await core.mustRead(info, ns, name);
    checkPreconditions(info, name, current, opts);
    const obj = current.toObject();
    const meta = obj.metadata;
    const now = core.clock.now();
    let changed = applyPolicy(obj, opts);
    let removeNow: boolean;

    if (isNamespace) {
      const nsObj = obj as NamespaceLike;
      if (!meta.deletionTimestamp) {
        meta.deletionTimestamp = formatTime(now);
        meta.deletionGracePeriodSeconds = 0;
        nsObj.status = { ...(nsObj.status ?? {}), phase: 'Terminating' };
        changed = true;
      }
      removeNow = namespaceCanBeRemoved(nsObj);
    } else if (meta.deletionTimestamp) {
      // already being deleted: a pod's grace may only get shorter
      if (isPod) {
        const grace = podGracePeriod(obj, opts);
        const currentGrace = meta.deletionGracePeriodSeconds ?? 0;
        if (grace < currentGrace) {
          meta.deletionGracePeriodSeconds = grace;
          meta.deletionTimestamp = formatTime(now + grace * 1000);
          changed = true;
        }
      } else if (meta.deletionGracePeriodSeconds !== 0) {
        meta.deletionGracePeriodSeconds = 0;
        changed = true;
      }
      removeNow = (meta.deletionGracePeriodSeconds ?? 0) === 0 && !(meta.finalizers?.length);
    } else {
      const grace = isPod ? podGracePeriod(obj, opts) : 0;
      if (grace > 0 || meta.finalizers?.length) {
        meta.deletionTimestamp = formatTime(now + grace * 1000);
        meta.deletionGracePeriodSeconds = grace;
        if (meta.generation !== undefined && meta.generation > 0) meta.generation += 1;
        changed = true;
        removeNow = false;
      } else {
        removeNow = true;
      }
    }

    if (removeNow) {
      if (ctx.dryRun) return { object: current.toObject(), deleted: true };
      const res = await core.store.txn({ compare: [{ key, modRevision: current.modRevision }], success: [{ type: 'delete', key }] });
      if (!res.succeeded) continue;
      if (info.type.group === '' && info.type.resource === 'services') releaseService(core.allocators, current.obj as ServiceLike);
      return { object: current.toObject(), deleted: true };
    }
    if (!changed || ctx.dryRun) return { object: obj, deleted: false };
    // (a new metadata without the resourceVersion: see withoutMember)
    obj.metadata = withoutMember(meta, 'resourceVersion');
    const lease = info.strategy.ttlSeconds ? await core.leaseFor(info.strategy.ttlSeconds) : 0;
    const value = toStoredValue(obj);
    const res = await core.store.txn({
      compare: [{ key, modRevision: current.modRevision }],
      success: [lease ? { type: 'put', key, value, lease } : { type: 'put', key, value }],
    });
    if (!res.succeeded) continue;
    obj.metadata.resourceVersion = String(res.revision);
    return { object: obj, deleted: false };
  }
  throw conflict(info.type.resource, info.type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
}

/** delete every object the list options select; returns what was deleted or marked */
export async function deleteCollection(core: RegistryCore, info: ResourceInfo, listOpts: ListOptions, opts: Omit<DeleteOptions, 'dryRun'>, ctx: WriteContext): Promise<{ items: KubeObject[]; revision: number }> {
  const { continue: _c, limit: _l, ...rest } = listOpts;
  void _c;
  void _l;
  const listed = await listObjects(core, info, rest);
  const items: KubeObject[] = [];
  for (const o of listed.items) {
    const meta = o.obj.metadata;
    try {
      const r = await deleteObject(core, info, meta.namespace, meta.name ?? '', opts, ctx);
      items.push(r.object);
    } catch (err) {
      if ((err as { code?: number }).code === 404) continue;
      throw err;
    }
  }
  return { items, revision: core.store.currentRevision() };
}
