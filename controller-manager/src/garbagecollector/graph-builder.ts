// Turning informer events into graph changes and work (Kubernetes: GraphBuilder's
// processGraphChanges). Each function updates the graph and says which UIDs the
// attemptToDelete and attemptToOrphan queues should look at; it never calls the apiserver.
//   - a dependent appears referencing an owner not in the graph → check that owner (virtual);
//     referencing an owner known absent, or one deleting in the foreground → check the dependent;
//   - an object starts deleting in the foreground → check it and every dependent;
//   - an object is deleting with the orphan finalizer → orphan its dependents;
//   - an object goes → check its dependents, and any foreground-deleting owner it was blocking.

import type { KubeObject, ResourceType } from '@kubesim/shared';
import { blocksOwner, nodeFrom } from './graph.ts';
import type { AbsentOwnerCache, GraphNode, OwnerGraph } from './graph.ts';

export interface GraphWork {
  attemptToDelete: string[];
  attemptToOrphan: string[];
}

const noWork = (): GraphWork => ({ attemptToDelete: [], attemptToOrphan: [] });

/** an object was added or changed */
export function observeObject(graph: OwnerGraph, absent: AbsentOwnerCache, type: ResourceType, obj: KubeObject): GraphWork {
  const work = noWork();
  const node = nodeFrom(type, obj);
  const uid = node.identity.uid;
  if (!uid) return work;
  const old = graph.upsert(node);

  for (const ref of node.owners) {
    const before = old?.owners.find((r) => r.uid === ref.uid);
    const owner = graph.get(ref.uid);
    if (absent.has(ref.uid) || owner?.deletingDependents) work.attemptToDelete.push(uid);
    else if (!before && !owner) work.attemptToDelete.push(ref.uid);
  }
  // an owner waiting in the foreground may have just lost a blocking dependent
  for (const ref of old?.owners ?? []) {
    if (!blocksOwner(old!, ref.uid) || blocksOwner(node, ref.uid)) continue;
    if (graph.get(ref.uid)?.deletingDependents) work.attemptToDelete.push(ref.uid);
  }
  if (node.deletingDependents) {
    work.attemptToDelete.push(uid);
    if (!old?.deletingDependents) for (const dep of graph.dependentsOf(uid)) work.attemptToDelete.push(dep.identity.uid);
  }
  if (node.orphaningDependents) work.attemptToOrphan.push(uid);
  return work;
}

/** an object was deleted (its final state, or a tombstone's last known state) */
export function observeDeletion(graph: OwnerGraph, absent: AbsentOwnerCache, obj: KubeObject): GraphWork {
  const work = noWork();
  const uid = obj.metadata.uid;
  if (!uid) return work;
  const removed: GraphNode | undefined = graph.remove(uid);
  const dependents = graph.dependentsOf(uid);
  if (dependents.length > 0) absent.add(uid);
  for (const dep of dependents) work.attemptToDelete.push(dep.identity.uid);
  for (const ref of removed?.owners ?? []) {
    if (graph.get(ref.uid)?.deletingDependents) work.attemptToDelete.push(ref.uid);
  }
  return work;
}
