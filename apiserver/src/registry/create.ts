// CREATE (POST): the object is checked against the URL and pruned of unknown fields
// (fieldValidation), given its system fields (uid, creationTimestamp, generation, a
// generated name), prepared (status reset), defaulted, recorded in managedFields (an
// Update by the writer, unless server-side apply made it), admitted (namespace lifecycle;
// for pods: tolerations, service account, priority, LimitRanges and ResourceQuotas;
// PriorityClass defaults; a claim's default StorageClass and the claim and volume
// protection finalizers; service allocation), validated, then written only if no object
// of that name exists (else 409 AlreadyExists). A dry run does
// everything but the write. A new namespace gets its `default` ServiceAccount (the
// serviceaccount controller's job in Kubernetes). A caller that gives its input away and
// only sends the answer's JSON (answerServedOnly) lets the watch cache take the object.
import { PVC_PROTECTION_FINALIZER, PV_PROTECTION_FINALIZER, alreadyExists, generateName, isAlreadyExists, resources } from '@kubesim/shared';
import type { KubeObject, PriorityClass } from '@kubesim/shared';
import { managedFieldsAfterUpdate } from '../patch/apply.ts';
import type { RegistryCore, ResourceInfo } from './core.ts';
import { rememberJson, sharedAnswer, toStoredValue } from './cached-object.ts';
import { objectKey } from './keys.ts';
import { admitPod, preparePodForCreate } from './kinds/pods.ts';
import { admitPodLimits } from './kinds/limitranges.ts';
import { admitPodQuota } from './kinds/resourcequota-admission.ts';
import { admitPodPriority, admitPriorityClass } from './kinds/priority.ts';
import { allocateService } from './kinds/services.ts';
import type { Allocation, ServiceLike } from './kinds/services.ts';
import { prepareNamespaceForCreate } from './kinds/namespaces.ts';
import { admitPersistentVolumeClaim } from './kinds/persistentvolumeclaims.ts';
import { addProtectionFinalizer } from './kinds/storage-object-in-use-protection.ts';
import { clone, newUid } from './objects.ts';
import { admitNamespace, checkNamespaceMatches, checkTypeMeta, managerOf, pruneUnknownFields, throwIfInvalid } from './write-common.ts';
import type { WriteContext } from './write-common.ts';

export interface CreateContext extends WriteContext {
  /** server-side apply built the object and its managedFields already */
  applied?: boolean;
}

/** write options that may also hand over the input: `owned` lets the write change it in
 *  place (the HTTP layer's freshly decoded body) instead of copying it first */
export type OwnedInput = { owned?: boolean };

const isPods = (info: ResourceInfo): boolean => info.type === resources.pods || (info.type.group === '' && info.type.resource === 'pods');
const isServices = (info: ResourceInfo): boolean => info.type.group === '' && info.type.resource === 'services';
const isNamespaces = (info: ResourceInfo): boolean => info.type.group === '' && info.type.resource === 'namespaces';
const isPersistentVolumeClaims = (info: ResourceInfo): boolean => info.type.group === '' && info.type.resource === 'persistentvolumeclaims';
const isPersistentVolumes = (info: ResourceInfo): boolean => info.type.group === '' && info.type.resource === 'persistentvolumes';
const isPriorityClasses = (info: ResourceInfo): boolean => info.type.group === 'scheduling.k8s.io' && info.type.resource === 'priorityclasses';

export async function createObject(core: RegistryCore, info: ResourceInfo, namespace: string | undefined, input: unknown, ctx: CreateContext & OwnedInput): Promise<KubeObject> {
  const ns = core.namespaceFor(info, namespace);
  checkTypeMeta(info, input);
  const base = ctx.owned ? input : clone(input);
  if (!ctx.applied) pruneUnknownFields(info, base, ctx);
  checkNamespaceMatches(base, ns, info.type.namespaced);
  const givenSpec = (base as { spec?: { priority?: number; preemptionPolicy?: string } }).spec;
  const given = { ...(givenSpec?.priority !== undefined ? { priority: givenSpec.priority } : {}), ...(givenSpec?.preemptionPolicy !== undefined ? { preemptionPolicy: givenSpec.preemptionPolicy } : {}) };
  const generated = !base.metadata.name && !!base.metadata.generateName;

  for (let attempt = 0; ; attempt++) {
    // only a generated name can be retried; otherwise the private copy is used as is
    const obj = generated ? clone(base) : base;
    core.stamp(info, obj);
    const meta = obj.metadata;
    if (generated) meta.name = generateName(meta.generateName!, core.random);
    const name = meta.name ?? '';
    meta.uid = newUid(core.random);
    const now = core.nowTime();
    meta.creationTimestamp = now;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    if (info.strategy.usesGeneration) meta.generation = 1;
    else delete meta.generation;

    info.strategy.prepareForCreate?.(obj);
    if (isPods(info)) preparePodForCreate(obj);
    if (isNamespaces(info)) prepareNamespaceForCreate(obj);
    // well-typed: the schema passed here, so validation below need not parse it again
    const wellTyped = info.definition?.setDefaults(obj) ?? false;
    if (!ctx.applied) {
      delete meta.managedFields;
      const managed = managedFieldsAfterUpdate(undefined, obj, managerOf(ctx), 'Update', now, info.type);
      if (managed) meta.managedFields = managed;
    }

    await admitNamespace(core, info, ns, name);
    // validated before admission, which may assume a well-formed object (and adds only
    // well-formed values)
    const causes = [...(info.definition?.validate(obj, wellTyped) ?? [])];
    if (info.strategy.validate) causes.push(...info.strategy.validate(obj));
    if (!info.definition && !name) causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
    throwIfInvalid(info, name, causes);
    if (isPods(info)) {
      // what a refusal names: the generateName of a pod that asked for a generated name
      const refusedName = generated ? base.metadata.generateName! : name;
      admitPod(obj);
      await admitPodPriority(core, obj, given, refusedName);
      if (admitPodLimits(core, obj, ns ?? '', refusedName)) {
        // defaults from a LimitRange: the pod's QoS class follows them, and they may clash
        // with what the pod set itself (a request above a defaulted limit is a 422)
        preparePodForCreate(obj);
        throwIfInvalid(info, name, info.definition?.validate(obj) ?? []);
      }
      admitPodQuota(core, obj, ns ?? '', refusedName);
    }
    if (isPriorityClasses(info)) admitPriorityClass(core, obj as PriorityClass);
    if (isPersistentVolumeClaims(info)) {
      admitPersistentVolumeClaim(core, obj);
      addProtectionFinalizer(obj, PVC_PROTECTION_FINALIZER);
    }
    if (isPersistentVolumes(info)) addProtectionFinalizer(obj, PV_PROTECTION_FINALIZER);

    let alloc: Allocation | undefined;
    if (isServices(info)) {
      alloc = allocateService(core.allocators, obj as ServiceLike, undefined);
      throwIfInvalid(info, name, alloc.causes);
    }
    if (ctx.dryRun) {
      alloc?.rollback();
      return obj;
    }
    const key = objectKey(info.type, ns, name);
    const lease = info.strategy.ttlSeconds ? await core.leaseFor(info.strategy.ttlSeconds) : 0;
    const value = toStoredValue(obj);
    // the watch cache may take the object itself when nobody changes it afterwards: it is
    // ours (a copy, or a body given away) and the caller only sends or reads the answer
    const handOver = ctx.answerShared === true || (ctx.owned === true && ctx.answerServedOnly === true);
    const parsed = core.primeWatchers(info, key, value, obj, wellTyped, handOver);
    const primed = parsed !== undefined;
    let res;
    try {
      res = await core.store.txn({
        compare: [{ key, exists: false }],
        success: [lease ? { type: 'put', key, value, lease } : { type: 'put', key, value }],
      });
    } catch (err) {
      if (primed) core.cache.unprime(key, value);
      alloc?.rollback();
      if (lease && String((err as Error).message).includes('lease')) core.forgetLease();
      throw err;
    }
    if (!res.succeeded) {
      if (primed) core.cache.unprime(key, value);
      alloc?.rollback();
      if (generated && attempt < 5) continue;
      throw alreadyExists(info.type.resource, info.type.group, name);
    }
    alloc?.commit();
    // (the watch cache's own object is not changed: it gets its resourceVersion there)
    if (parsed !== obj) meta.resourceVersion = String(res.revision);
    if (ctx.answerServedOnly) rememberJson(obj, value, res.revision);
    if (isNamespaces(info)) await ensureDefaultServiceAccount(core, name);
    return parsed === obj && ctx.answerShared ? sharedAnswer(obj, res.revision) : obj;
  }
}

/** the `default` ServiceAccount of a namespace (created if missing; never fails the caller) */
export async function ensureDefaultServiceAccount(core: RegistryCore, namespace: string): Promise<void> {
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } } as KubeObject;
  try {
    await createObject(core, core.info(resources.serviceaccounts), namespace, sa, { userAgent: 'kube-controller-manager' });
  } catch (err) {
    if (!isAlreadyExists(err)) return;
  }
}
