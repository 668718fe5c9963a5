// One item of the attemptToDelete queue (Kubernetes: GarbageCollector.attemptToDeleteItem):
// decide, from the live object and the live state of its owners, what to do with it.
//   1. A virtual owner (referenced, never seen or already removed): GET it; if it is gone,
//      remember it absent and queue its dependents.
//   2. Gone or replaced → treat as deleted (the informer will say so too).
//   3. Being deleted, not in the foreground → nothing to do; the apiserver/kubelet finish.
//   4. Deleting in the foreground → remove `foregroundDeletion` once no dependent with
//      blockOwnerDeletion=true is left, else queue the blocking dependents.
//   5. Some owner solid → keep it, but drop references to dangling and waiting owners.
//   6. No solid owner, some waiting, and dependents of its own → delete it in the foreground
//      (after unblocking its references if a dependent is also waiting: a possible cycle).
//   7. No solid owner → delete it, propagating as its own finalizers ask (orphan → Orphan,
//      foregroundDeletion → Foreground, else Background).

import type { Client, ReconcileResult } from '@kubesim/shared';
import type { EventRecorderLike } from '../context.ts';
import { observeDeletion } from './graph-builder.ts';
import type { GraphWork } from './graph-builder.ts';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, blocksOwner, hasFinalizer } from './graph.ts';
import type { AbsentOwnerCache, GraphNode, OwnerGraph } from './graph.ts';
import { classifyReferences, getLive, ownerIdentity } from './owners.ts';
import { deleteObject, removeFinalizer, removeOwnerReferences, unblockOwnerReferences } from './writes.ts';

export interface CollectorState {
  client: Client;
  recorder: EventRecorderLike;
  graph: OwnerGraph;
  absent: AbsentOwnerCache;
  /** hand work found while processing back to the queues */
  schedule(work: GraphWork): void;
}

export async function attemptToDeleteItem(gc: CollectorState, uid: string): Promise<void | ReconcileResult> {
  const node = gc.graph.get(uid);
  if (!node) return verifyVirtualOwner(gc, uid);

  const latest = await getLive(gc.client, node.identity);
  if (!latest) {
    gc.schedule(observeDeletion(gc.graph, gc.absent, { metadata: { uid } }));
    return;
  }
  const meta = latest.metadata;
  if (meta.deletionTimestamp && !hasFinalizer(latest, FOREGROUND_FINALIZER)) return;
  if (meta.deletionTimestamp) return processDeletingDependents(gc, node);
  if (!meta.ownerReferences?.length) return;

  const { solid, dangling, waitingForDependentsDeletion: waiting } = await classifyReferences(gc.client, gc.absent, gc.recorder, latest, node.identity.namespace);
  if (solid.length > 0) {
    const drop = [...dangling, ...waiting].map((r) => r.uid);
    if (drop.length > 0) await removeOwnerReferences(gc.client, node.identity, drop);
    return;
  }
  const dependents = gc.graph.dependentsOf(uid);
  if (waiting.length > 0 && dependents.length > 0) {
    if (dependents.some((d) => d.deletingDependents)) {
      await unblockOwnerReferences(gc.client, node.identity, waiting.map((r) => r.uid));
    }
    await deleteObject(gc.client, node.identity, 'Foreground');
    return;
  }
  const policy = hasFinalizer(latest, ORPHAN_FINALIZER) ? 'Orphan' : hasFinalizer(latest, FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
  await deleteObject(gc.client, node.identity, policy);
}

/** an owner we only know from references: if the apiserver has no such object, collect its dependents */
async function verifyVirtualOwner(gc: CollectorState, uid: string): Promise<void> {
  const seen = gc.graph.referenceTo(uid);
  if (!seen) return;
  const resolved = ownerIdentity(seen.ref, seen.dependentNamespace);
  if (!resolved) return;
  const owner = resolved.invalidNamespace ? undefined : await getLive(gc.client, resolved.id);
  if (owner) return;
  // the real node may have arrived while we were asking
  if (gc.graph.has(uid)) return;
  gc.absent.add(uid);
  gc.schedule({ attemptToDelete: gc.graph.dependentsOf(uid).map((d) => d.identity.uid), attemptToOrphan: [] });
}

/** the owner waits (foregroundDeletion) until none of its dependents blocks it */
async function processDeletingDependents(gc: CollectorState, owner: GraphNode): Promise<void> {
  const uid = owner.identity.uid;
  const blocking = gc.graph.dependentsOf(uid).filter((d) => blocksOwner(d, uid));
  if (blocking.length === 0) {
    await removeFinalizer(gc.client, owner.identity, FOREGROUND_FINALIZER);
    return;
  }
  // a blocking dependent not yet being deleted needs a look; the owner is queued again
  // when one of them goes (observeDeletion) or stops blocking it (observeObject)
  gc.schedule({ attemptToDelete: blocking.filter((d) => !d.beingDeleted).map((d) => d.identity.uid), attemptToOrphan: [] });
}
