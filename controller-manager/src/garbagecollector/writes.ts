// The collector's writes. Each is a read-modify-write of the live object pinned to the UID
// it was asked about, so it never touches a newer object that reused the name, and is
// idempotent: an object already gone, or already without the reference or finalizer,
// needs nothing. Updates carry the resourceVersion read; a conflict re-reads (a few
// times, then the error goes back to the queue). Deletes carry a UID precondition.
// kubesim: GET + PUT where Kubernetes sends JSON / strategic merge patches.

import { isConflict, isNotFound } from '@kubesim/shared';
import type { Client, KubeObject, PropagationPolicy } from '@kubesim/shared';
import type { ObjectIdentity } from './graph.ts';
import { getLive } from './owners.ts';

const MAX_CONFLICT_RETRIES = 5;

const nsOpt = (id: ObjectIdentity): { namespace?: string } => (id.namespace ? { namespace: id.namespace } : {});

/** DELETE with a UID precondition; gone already (or replaced) counts as done */
export async function deleteObject(client: Client, id: ObjectIdentity, propagationPolicy: PropagationPolicy): Promise<void> {
  try {
    await client.delete(id.type, id.name, { ...nsOpt(id), preconditions: { uid: id.uid }, propagationPolicy });
  } catch (err) {
    if (isNotFound(err) || isConflict(err)) return;
    throw err;
  }
}

/** read the live object, let `edit` change a copy (return false: nothing to do), write it back */
async function updateLive(client: Client, id: ObjectIdentity, edit: (obj: KubeObject) => boolean): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const obj = await getLive(client, id);
    if (!obj || !edit(obj)) return;
    try {
      await client.update(id.type, obj, nsOpt(id));
      return;
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err) || attempt >= MAX_CONFLICT_RETRIES) throw err;
    }
  }
}

/** drop the ownerReferences that point at any of `ownerUids` */
export function removeOwnerReferences(client: Client, id: ObjectIdentity, ownerUids: readonly string[]): Promise<void> {
  const drop = new Set(ownerUids);
  return updateLive(client, id, (obj) => {
    const refs = obj.metadata.ownerReferences ?? [];
    const kept = refs.filter((r) => !drop.has(r.uid));
    if (kept.length === refs.length) return false;
    if (kept.length) obj.metadata.ownerReferences = kept;
    else delete obj.metadata.ownerReferences;
    return true;
  });
}

/** set blockOwnerDeletion=false on the references to `ownerUids` (breaks foreground cycles) */
export function unblockOwnerReferences(client: Client, id: ObjectIdentity, ownerUids: readonly string[]): Promise<void> {
  const target = new Set(ownerUids);
  return updateLive(client, id, (obj) => {
    let changed = false;
    obj.metadata.ownerReferences = (obj.metadata.ownerReferences ?? []).map((r) => {
      if (!target.has(r.uid) || r.blockOwnerDeletion !== true) return r;
      changed = true;
      return { ...r, blockOwnerDeletion: false };
    });
    return changed;
  });
}

/** remove one finalizer; with none left on a deleted object, the apiserver removes it */
export function removeFinalizer(client: Client, id: ObjectIdentity, finalizer: string): Promise<void> {
  return updateLive(client, id, (obj) => {
    const list = obj.metadata.finalizers ?? [];
    if (!list.includes(finalizer)) return false;
    const kept = list.filter((f) => f !== finalizer);
    if (kept.length) obj.metadata.finalizers = kept;
    else delete obj.metadata.finalizers;
    return true;
  });
}
