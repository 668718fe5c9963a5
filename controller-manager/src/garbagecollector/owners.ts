// Sorting a dependent's owner references by a live GET of each owner (Kubernetes:
// classifyReferences) — caches lag, so "is it gone?" is always asked of the apiserver.
// dangling: no such object, or one with another UID (a new object reusing the name);
// waitingForDependentsDeletion: being deleted in the foreground; solid: anything else.
// kubesim: a reference to a kind kubesim does not serve counts as solid (never collected),
// where Kubernetes' RESTMapper error would retry it forever.

import { findResourceByKind, isNotFound } from '@kubesim/shared';
import type { Client, KubeObject, OwnerReference, ResourceType } from '@kubesim/shared';
import type { EventRecorderLike } from '../context.ts';
import { FOREGROUND_FINALIZER, hasFinalizer } from './graph.ts';
import type { AbsentOwnerCache, ObjectIdentity } from './graph.ts';

/** the object as the apiserver has it now, or undefined when gone (or replaced by another UID) */
export async function getLive(client: Client, id: ObjectIdentity): Promise<KubeObject | undefined> {
  try {
    const obj = await client.get(id.type, id.name, id.namespace ? { namespace: id.namespace } : {});
    return obj.metadata.uid === id.uid ? obj : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** where an owner reference points, seen from a dependent in `dependentNamespace` */
export function ownerIdentity(ref: OwnerReference, dependentNamespace: string | undefined): { id: ObjectIdentity; invalidNamespace: boolean } | undefined {
  const type: ResourceType | undefined = findResourceByKind(ref.apiVersion, ref.kind);
  if (!type) return undefined;
  // a cluster-scoped object cannot be owned by a namespaced one: the reference resolves to nothing
  const invalidNamespace = type.namespaced && !dependentNamespace;
  return { id: { type, namespace: type.namespaced ? dependentNamespace : undefined, name: ref.name, uid: ref.uid }, invalidNamespace };
}

export interface ClassifiedReferences {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  waitingForDependentsDeletion: OwnerReference[];
}

export async function classifyReferences(
  client: Client,
  absent: AbsentOwnerCache,
  recorder: EventRecorderLike,
  dependent: KubeObject,
  dependentNamespace: string | undefined,
): Promise<ClassifiedReferences> {
  const out: ClassifiedReferences = { solid: [], dangling: [], waitingForDependentsDeletion: [] };
  for (const ref of dependent.metadata.ownerReferences ?? []) {
    if (absent.has(ref.uid)) {
      out.dangling.push(ref);
      continue;
    }
    const resolved = ownerIdentity(ref, dependentNamespace);
    if (!resolved) {
      out.solid.push(ref);
      continue;
    }
    if (resolved.invalidNamespace) {
      recorder.event(dependent, 'Warning', 'OwnerRefInvalidNamespace', `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: , name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace ""`);
      out.dangling.push(ref);
      continue;
    }
    const owner = await getLive(client, resolved.id);
    if (!owner) {
      absent.add(ref.uid);
      out.dangling.push(ref);
    } else if (owner.metadata.deletionTimestamp && hasFinalizer(owner, FOREGROUND_FINALIZER)) {
      out.waitingForDependentsDeletion.push(ref);
    } else {
      out.solid.push(ref);
    }
  }
  return out;
}
