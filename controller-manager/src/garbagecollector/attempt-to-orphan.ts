// One item of the attemptToOrphan queue (Kubernetes: GarbageCollector.attemptToOrphanWorker):
// an owner deleted with propagationPolicy Orphan carries the `orphan` finalizer. Remove the
// references to it from every dependent the graph knows, then remove the finalizer, after
// which the apiserver deletes the owner and the dependents live on without it.
// Like Kubernetes, a dependent created after the graph was read keeps its reference; it is
// then collected as the dependent of an absent owner, unless it has other owners.

import type { ReconcileResult } from '@kubesim/shared';
import type { CollectorState } from './attempt-to-delete.ts';
import { ORPHAN_FINALIZER, hasFinalizer } from './graph.ts';
import { getLive } from './owners.ts';
import { removeFinalizer, removeOwnerReferences } from './writes.ts';

export async function attemptToOrphanItem(gc: CollectorState, uid: string): Promise<void | ReconcileResult> {
  const owner = gc.graph.get(uid);
  if (!owner) return;
  const latest = await getLive(gc.client, owner.identity);
  if (!latest || !latest.metadata.deletionTimestamp || !hasFinalizer(latest, ORPHAN_FINALIZER)) return;
  for (const dep of gc.graph.dependentsOf(uid)) await removeOwnerReferences(gc.client, dep.identity, [uid]);
  await removeFinalizer(gc.client, owner.identity, ORPHAN_FINALIZER);
}
