// CREATE (POST): the object is checked against the URL, given its system fields (uid,
// creationTimestamp, generation, a generated name), prepared (status reset), defaulted,
// admitted (namespace lifecycle, pod admission, service allocation), validated, then
// written only if no object of that name exists (else 409 AlreadyExists). A dry run
// does everything but the write.
import { alreadyExists, generateName, resources } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import type { RegistryCore, ResourceInfo } from './core.ts';
import { toStoredValue } from './cached-object.ts';
import { objectKey } from './keys.ts';
import { admitPod, preparePodForCreate } from './kinds/pods.ts';
import { allocateService } from './kinds/services.ts';
import type { Allocation, ServiceLike } from './kinds/services.ts';
import { prepareNamespaceForCreate } from './kinds/namespaces.ts';
import { clone, newUid } from './objects.ts';
import { admitNamespace, checkNamespaceMatches, checkTypeMeta, priorityClassLookup, throwIfInvalid } from './write-common.ts';
import type { WriteContext } from './write-common.ts';

const isPods = (info: ResourceInfo): boolean => info.type === resources.pods || (info.type.group === '' && info.type.resource === 'pods');
const isServices = (info: ResourceInfo): boolean => info.type.group === '' && info.type.resource === 'services';
const isNamespaces = (info: ResourceInfo): boolean => info.type.group === '' && info.type.resource === 'namespaces';

export async function createObject(core: RegistryCore, info: ResourceInfo, namespace: string | undefined, input: unknown, ctx: WriteContext): Promise<KubeObject> {
  const ns = core.namespaceFor(info, namespace);
  checkTypeMeta(info, input);
  const base = clone(input);
  checkNamespaceMatches(base, ns, info.type.namespaced);
  const generated = !base.metadata.name && !!base.metadata.generateName;

  for (let attempt = 0; ; attempt++) {
    const obj = clone(base);
    core.stamp(info, obj);
    const meta = obj.metadata;
    if (generated) meta.name = generateName(meta.generateName!, core.random);
    const name = meta.name ?? '';
    meta.uid = newUid(core.random);
    meta.creationTimestamp = core.nowTime();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    if (info.strategy.usesGeneration) meta.generation = 1;
    else delete meta.generation;

    info.strategy.prepareForCreate?.(obj);
    if (isPods(info)) preparePodForCreate(obj);
    if (isNamespaces(info)) prepareNamespaceForCreate(obj);
    info.definition?.setDefaults(obj);

    await admitNamespace(core, info, ns, name);
    const validate = (): void => {
      const causes = [...(info.definition?.validate(obj) ?? []), ...(info.strategy.validate?.(obj) ?? [])];
      if (!info.definition && !name) causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
      throwIfInvalid(info, name, causes);
    };
    // validated before and after admission: admission plugins may assume a well-formed object
    validate();
    if (isPods(info)) {
      const spec = (obj as { spec?: { priorityClassName?: string } }).spec;
      const pc = spec?.priorityClassName ? await priorityClassLookup(core, spec.priorityClassName) : undefined;
      admitPod(obj, () => pc);
      validate();
    }

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
    let res;
    try {
      res = await core.store.txn({
        compare: [{ key, exists: false }],
        success: [lease ? { type: 'put', key, value: toStoredValue(obj), lease } : { type: 'put', key, value: toStoredValue(obj) }],
      });
    } catch (err) {
      alloc?.rollback();
      if (lease && String((err as Error).message).includes('lease')) core.forgetLease();
      throw err;
    }
    if (!res.succeeded) {
      alloc?.rollback();
      if (generated && attempt < 5) continue;
      throw alreadyExists(info.type.resource, info.type.group, name);
    }
    alloc?.commit();
    meta.resourceVersion = String(res.revision);
    return obj;
  }
}
