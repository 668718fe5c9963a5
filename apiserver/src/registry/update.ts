// UPDATE (PUT), and the read-modify-write loop under it and under PATCH (patch-object.ts;
// Kubernetes' GuaranteedUpdate): read the current object, compute the new one, write it
// only if the object is still at the revision read (compare-and-swap on modRevision), retry
// on a lost race unless the client pinned a resourceVersion (then 409 Conflict).
// The new object is prepared per subresource - main resource: status kept from the old
// object; `status`: only status taken; `finalize` (namespaces): only spec.finalizers -
// then defaulted, recorded in managedFields (an Update entry for the writer; server-side
// apply records its own) and validated. Unknown fields of the body (PUT) or the patched
// object (PATCH) are handled per fieldValidation first. generation increments when
// anything but metadata and status changed. A write that changes nothing is not written
// and keeps the resourceVersion (and managedFields). An update that leaves a deleted
// object with no finalizers removes it. The written object goes to the watch cache as it is
// when nobody else holds it; the caller then gets a copy, or the object itself when it
// reads nothing of the answer (a binding), only sends its JSON (answerServedOnly) or only
// reads it (answerShared). In process, a body's members that are the stored state's own are
// borrowed, not copied (borrowing.ts), and a write that changes only a kind's free leaves
// (a Lease renewal) skips defaulting, validation and the managedFields walk
// (free-leaf-update.ts).
import { badRequest, conflict, notFound, patchAllocatedServiceValues } from '@kubesim/shared';
import type { KubeObject, Service } from '@kubesim/shared';
import { managedFieldsAfterUpdate } from '../patch/apply.ts';
import { answerOf, borrowingCopy, mayBorrow, returnBorrowed, unborrowedPart, withStatus } from './borrowing.ts';
import { freeLeafManagedFields } from './free-leaf-update.ts';
import type { CachedObject } from './cached-object.ts';
import { rememberJson, sharedAnswer, toStoredValue } from './cached-object.ts';
import type { RegistryCore, ResourceInfo } from './core.ts';
import { createObject } from './create.ts';
import type { OwnedInput } from './create.ts';
import { objectKey } from './keys.ts';
import { namespaceCanBeRemoved } from './kinds/namespaces.ts';
import { keepPodQOSClass, type PodLike } from './kinds/pods.ts';
import type { NamespaceLike } from './kinds/namespaces.ts';
import { allocateService, releaseService } from './kinds/services.ts';
import type { Allocation, ServiceLike } from './kinds/services.ts';
import { sameAsStored } from './no-op-write.ts';
import { clone, deepEqual, isPlainObject, withoutMember } from './objects.ts';
import { checkTypeMeta, managerOf, pruneUnknownFields, specPart, throwIfInvalid } from './write-common.ts';
import type { WriteContext } from './write-common.ts';

export interface UpdateContext extends WriteContext {
  /** undefined = the main resource; 'status'; 'finalize'; any other name = a trusted
   *  internal subresource write (binding, scale) that may change the whole object */
  subresource?: string;
  /** server-side apply made the object and its managedFields */
  applied?: boolean;
  /** (guaranteedUpdate) tryUpdate's result is its own, made from the copy it got, and the
   *  caller reads nothing of the answer: the written object goes to the watchers as it is,
   *  and the answer is that object, shared (the binding) */
  answerUnused?: boolean;
}

export const isTrusted = (sub: string | undefined): boolean => sub !== undefined && sub !== 'status' && sub !== 'finalize';

export interface UpdateResult {
  object: KubeObject;
  /** true when a PUT or apply created the object */
  created: boolean;
}

export const MAX_RETRIES = 20;
export const CONFLICT_MSG = 'the object has been modified; please apply your changes to the latest version and try again';

/**
 * Read-modify-write. `tryUpdate` gets a private copy of the current object and returns
 * the desired object (or throws an ApiError). If it returns an object whose
 * metadata.resourceVersion differs from the current one, that is a precondition: 409.
 */
export async function guaranteedUpdate(
  core: RegistryCore,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  tryUpdate: (current: KubeObject) => unknown | Promise<unknown>,
  ctx: UpdateContext,
): Promise<KubeObject> {
  const ns = core.namespaceFor(info, namespace);
  for (let attempt = 0; ; attempt++) {
    const current = await core.mustRead(info, ns, name);
    const desired = await tryUpdate(current.toObject());
    const out = await applyUpdate(core, info, ns, name, current, desired, ctx, ctx.answerUnused === true);
    if (out !== 'conflict') return out;
    if (attempt >= MAX_RETRIES) throw conflict(info.type.resource, info.type.group, name, CONFLICT_MSG);
  }
}

/** PUT */
export async function updateObject(core: RegistryCore, info: ResourceInfo, namespace: string | undefined, name: string, input: unknown, ctx: UpdateContext & OwnedInput): Promise<UpdateResult> {
  const ns = core.namespaceFor(info, namespace);
  checkTypeMeta(info, input);
  const owned = !isTrusted(ctx.subresource);
  // an in-process caller's body may hold parts of the stored state it read (frozen): each
  // attempt then copies the rest and borrows those (borrowingCopy), and prunes the rest
  const borrows = owned && !ctx.owned && mayBorrow(info, ctx);
  // otherwise our own copy of the body (the caller's object is never changed, unless
  // given away), pruned
  if (owned && !borrows) {
    if (!ctx.owned) input = clone(input);
    pruneUnknownFields(info, input as KubeObject, ctx);
  }
  checkTypeMeta(info, input);
  if (input.metadata.name !== undefined && input.metadata.name !== name) {
    throw badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`);
  }
  // applyUpdate changes what it is given. With a resourceVersion a lost race is a 409, so
  // it runs once and may have our copy; without one each attempt needs a fresh copy.
  const pinned = Boolean(input.metadata.resourceVersion);
  let spare = owned && pinned && !borrows ? input : undefined;
  for (let attempt = 0; ; attempt++) {
    const current = await core.readCurrent(info, ns, name);
    if (!current) {
      if (info.strategy.allowCreateOnUpdate && !ctx.subresource) {
        const obj = clone(input);
        if (borrows) pruneUnknownFields(info, obj, ctx);
        obj.metadata.name = name;
        if (obj.metadata.resourceVersion) throw notFound(info.type.resource, info.type.group, name);
        try {
          return { object: await createObject(core, info, ns, obj, ctx), created: true };
        } catch (err) {
          if ((err as { reason?: string }).reason === 'AlreadyExists' && attempt < MAX_RETRIES) continue;
          throw err;
        }
      }
      throw notFound(info.type.resource, info.type.group, name);
    }
    let desired: KubeObject;
    let borrowing = false;
    if (borrows) {
      // (warnings once, not once per retry)
      const pruneCtx = attempt === 0 ? ctx : { ...ctx, warnings: [] };
      const old = current.obj;
      borrowing = Object.isFrozen(old);
      if (borrowing) {
        const copy = borrowingCopy(input, old);
        desired = pruneUnknownFields(info, copy, pruneCtx, false, unborrowedPart(copy, old));
      } else desired = pruneUnknownFields(info, clone(input), pruneCtx);
    } else {
      desired = spare ?? clone(input);
      spare = undefined;
    }
    const out = await applyUpdate(core, info, ns, name, current, desired, ctx, true, borrowing);
    if (out !== 'conflict') return { object: out, created: false };
    if (pinned || attempt >= MAX_RETRIES) throw conflict(info.type.resource, info.type.group, name, CONFLICT_MSG);
  }
}

/** prepare, validate and write `desired` over `current`; 'conflict' when the CAS lost.
 *  `ownsDesired`: nothing of `desired` belongs to the caller or the stored state (besides
 *  what the status of a status write does not take), so the written object may go to the
 *  watchers as it is */
export async function applyUpdate(
  core: RegistryCore,
  info: ResourceInfo,
  ns: string | undefined,
  name: string,
  current: CachedObject,
  desired: unknown,
  ctx: UpdateContext,
  ownsDesired = false,
  desiredBorrows = false,
): Promise<KubeObject | 'conflict'> {
  checkTypeMeta(info, desired);
  // the stored state itself, shared (in the simulation deep-frozen by its watchers): only
  // read here (validators, managedFields and the no-op check), never handed out
  const old = current.obj;
  const rv = desired.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== String(current.modRevision)) {
    throw conflict(info.type.resource, info.type.group, name, CONFLICT_MSG);
  }
  if (desired.metadata.name !== undefined && desired.metadata.name !== name) {
    throw badRequest(`the name of the object (${desired.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (info.type.namespaced && desired.metadata.namespace && desired.metadata.namespace !== ns) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }

  let next: KubeObject & Record<string, unknown>;
  const sub = ctx.subresource;
  // Members of `next` that are the stored state's own values, not copies: only when that
  // state is deep-frozen (its watchers share it), so that anything writing into them throws
  // instead of changing it; they are copied when something does (see defaulted) and in the
  // answer (answerOf). A status write borrows all but status (metadata one level down),
  // a main-resource write the old status.
  const frozen = Object.isFrozen(old);
  // (a borrowing copy's members that are old's: see borrowingCopy)
  let borrowed = desiredBorrows;
  if (sub === 'status') {
    next = withStatus(old, (desired as unknown as Record<string, unknown>)['status'], frozen);
    borrowed = frozen;
    if (info.type.group === '' && info.type.resource === 'pods') keepPodQOSClass(next, old as PodLike);
  } else if (sub === 'finalize') {
    next = current.toObject() as KubeObject & Record<string, unknown>;
    const finalizers = ((desired as NamespaceLike).spec?.finalizers ?? []).slice();
    next['spec'] = { ...((next['spec'] as Record<string, unknown> | undefined) ?? {}), finalizers };
  } else {
    next = desired as KubeObject & Record<string, unknown>;
    if (sub === undefined && info.strategy.hasStatus) {
      const st = (old as unknown as Record<string, unknown>)['status'];
      const borrowStatus = frozen && st !== undefined && !info.strategy.prepareForUpdate;
      borrowed ||= borrowStatus;
      if (st === undefined) delete next['status'];
      else next['status'] = borrowStatus ? st : clone(st);
    }
    if (sub === undefined) info.strategy.prepareForUpdate?.(next, old);
  }
  core.stamp(info, next);
  // (a new metadata without the resourceVersion rather than deleting it: see withoutMember)
  if (next.metadata.resourceVersion !== undefined) next.metadata = withoutMember(next.metadata, 'resourceVersion');
  const meta = next.metadata;
  const oldMeta = old.metadata;
  meta.name = name;
  if (info.type.namespaced) meta.namespace = ns!;
  else delete meta.namespace;
  if (!meta.uid) meta.uid = oldMeta.uid!;
  if (oldMeta.creationTimestamp) meta.creationTimestamp = oldMeta.creationTimestamp;
  if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (oldMeta.generation !== undefined) meta.generation = oldMeta.generation;
  else delete meta.generation;

  const isService = info.type.group === '' && info.type.resource === 'services';
  if (isService && sub === undefined) patchAllocatedServiceValues(next as unknown as Service, old as unknown as Service);
  if (info.type.group === '' && info.type.resource === 'pods' && sub === undefined) keepPodPriority(next, old);
  // a write of free leaves alone (a Lease renewal) skips defaulting and validation, and
  // gets its managedFields here (free-leaf-update.ts); undefined: the full path
  const freeLeafEntries =
    desiredBorrows && sub === undefined && !ctx.applied && current.wellTyped && info.strategy.freeLeaves ? freeLeafManagedFields(info, next, old, managerOf(ctx), core.nowTime()) : undefined;
  // well-typed: the schema passed here, so validation below need not parse it again
  const wellTyped = freeLeafEntries !== undefined || defaulted(info, next, borrowed ? old : undefined, current.wellTyped);
  if (info.strategy.usesGeneration && !deepEqual(specPart(next), specPart(old))) meta.generation = (oldMeta.generation ?? 0) + 1;
  if (freeLeafEntries !== undefined) meta.managedFields = freeLeafEntries;
  else if (!ctx.applied) {
    // an empty list is Kubernetes' way to reset them: the object then has none
    const managed = managedFieldsAfterUpdate(old, next, managerOf(ctx), 'Update', core.nowTime(), info.type, sub);
    // (the entries may share parts with old's: see answerOf)
    if (managed?.length) meta.managedFields = managed;
    else delete meta.managedFields;
  }

  if (freeLeafEntries === undefined) {
    const trusted = isTrusted(sub);
    const causes = (trusted ? info.definition?.validate(next, wellTyped) : sub === 'status' ? info.definition?.validateStatusUpdate(next, old, wellTyped, current.wellTyped) : info.definition?.validateUpdate(next, old, wellTyped, current.wellTyped)) ?? [];
    if (info.strategy.validate) causes.push(...info.strategy.validate(next));
    throwIfInvalid(info, name, causes);
    // nothing changed: no write, the resourceVersion stays (a free-leaf write changed one)
    if (sameAsStored(next, old)) return ctx.answerShared ? current.shared() : current.toObject();
  }

  let alloc: Allocation | undefined;
  if (isService && sub === undefined) {
    alloc = allocateService(core.allocators, next as ServiceLike, old as ServiceLike);
    throwIfInvalid(info, name, alloc.causes);
  }

  const key = objectKey(info.type, ns, name);
  const removeNow = meta.deletionTimestamp !== undefined && !(meta.finalizers?.length) && (
    info.type.group === '' && info.type.resource === 'namespaces' ? namespaceCanBeRemoved(next as NamespaceLike) : meta.deletionGracePeriodSeconds === 0
  );
  if (ctx.dryRun) {
    alloc?.rollback();
    meta.resourceVersion = String(current.modRevision);
    return answerOf(next, old, borrowed);
  }
  if (removeNow) {
    const res = await core.store.txn({ compare: [{ key, modRevision: current.modRevision }], success: [{ type: 'delete', key }] });
    if (!res.succeeded) {
      alloc?.rollback();
      return 'conflict';
    }
    alloc?.rollback();
    if (isService) releaseService(core.allocators, old as ServiceLike);
    meta.resourceVersion = String(res.revision);
    return answerOf(next, old, borrowed);
  }
  const lease = info.strategy.ttlSeconds ? await core.leaseFor(info.strategy.ttlSeconds) : 0;
  const value = toStoredValue(next);
  // the watchers may take `next` itself (from here on it is never changed): the caller
  // then gets a copy
  const primed = core.primeWatchers(info, key, value, next, wellTyped, ownsDesired);
  const answer = primed !== next ? answerOf(next, old, borrowed) : ctx.answerUnused || ctx.answerServedOnly || ctx.answerShared ? undefined : clone(next);
  const res = await core.store.txn({
    compare: [{ key, modRevision: current.modRevision }],
    success: [lease ? { type: 'put', key, value, lease } : { type: 'put', key, value }],
  });
  if (!res.succeeded) {
    if (primed) core.cache.unprime(key, value);
    alloc?.rollback();
    return 'conflict';
  }
  alloc?.commit();
  if (answer === undefined) {
    // the watchers' object, not to be changed: its JSON is remembered as it is (for a
    // caller that sends it)
    if (ctx.answerServedOnly) rememberJson(next, value, res.revision);
    return ctx.answerShared ? sharedAnswer(next, res.revision) : next;
  }
  answer.metadata.resourceVersion = String(res.revision);
  if (ctx.answerServedOnly) rememberJson(answer, value, res.revision);
  return answer;
}

/** setDefaults on `next`; when it holds values borrowed from the frozen `old` and the
 *  defaulting writes into one (a TypeError), again over copies of them (defaulting is
 *  idempotent, so what it did before it stopped does not matter). Nulls and types are
 *  looked for only outside the borrowed values when `old` is a state this registry wrote
 *  well-typed (`oldWellTyped`): they are its own, so well-typed and without nulls. */
function defaulted(info: ResourceInfo, next: KubeObject, old: KubeObject | undefined, oldWellTyped: boolean): boolean {
  if (!info.definition) return false;
  if (old === undefined) return info.definition.setDefaults(next);
  try {
    return info.definition.setDefaults(next, oldWellTyped ? unborrowedPart(next, old) : next);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    returnBorrowed(next, old);
    return info.definition.setDefaults(next);
  }
}

/** Priority admission on update: what it set at create stays when a client leaves it out */
function keepPodPriority(next: KubeObject, old: KubeObject): void {
  type Spec = { priority?: number; preemptionPolicy?: string };
  const spec = (next as KubeObject & { spec?: Spec }).spec;
  const prev = (old as KubeObject & { spec?: Spec }).spec;
  if (!spec || !prev) return;
  if (spec.priority === undefined && prev.priority !== undefined) spec.priority = prev.priority;
  if (spec.preemptionPolicy === undefined && prev.preemptionPolicy !== undefined) spec.preemptionPolicy = prev.preemptionPolicy;
}
