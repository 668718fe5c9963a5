// Turning informer events into graph changes and work (Kubernetes: GraphBuilder's
// processGraphChanges). Each function updates the graph and says which UIDs the
// attemptToDelete and attemptToOrphan queues should look at; it never calls the apiserver.
//   - a dependent appears referencing an owner not in the graph → check that owner (virtual);
//     referencing an owner known absent, or one deleting in the foreground → check the dependent;
//   - an object starts deleting in the foreground → check it and every dependent;
//   - an object is deleting with the orphan finalizer → orphan its dependents;
//   - an object goes → check its dependents, and any foreground-deleting owner it was blocking.
// An update that leaves its node as it was (the same ownerReferences and deletion state: a
// lease renewal, a status write) changes no edge: its node is kept (it only moves last among
// its owners' dependents, as a replacement would) and only the checks that do not depend on
// a change are made.

import type { KubeObject, OwnerReference, ResourceType } from '@kubesim/shared';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, blocksOwner, hasFinalizer, nodeFrom } from './graph.ts';
import type { AbsentOwnerCache, GraphNode, OwnerGraph } from './graph.ts';

export interface GraphWork {
  attemptToDelete: string[];
  attemptToOrphan: string[];
}

const noWork = (): GraphWork => ({ attemptToDelete: [], attemptToOrphan: [] });

/** nothing to schedule (shared: callers only read it) */
const NO_WORK: GraphWork = Object.freeze({ attemptToDelete: Object.freeze([]) as unknown as string[], attemptToOrphan: Object.freeze([]) as unknown as string[] });

/** an object was added or changed */
export function observeObject(graph: OwnerGraph, absent: AbsentOwnerCache, type: ResourceType, obj: KubeObject): GraphWork {
  const uid = obj.metadata.uid;
  if (!uid) return NO_WORK;
  const known = graph.get(uid);
  if (known && sameNode(known, type, obj)) {
    graph.touch(known);
    return unchangedNodeWork(graph, absent, known);
  }
  return observeObjectFully(graph, absent, type, obj);
}

/** observeObject without the shortcut for an unchanged node (what it must agree with) */
export function observeObjectFully(graph: OwnerGraph, absent: AbsentOwnerCache, type: ResourceType, obj: KubeObject): GraphWork {
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

/** what observeObject asks for when the node stays as it was: the node again if an owner is
 *  known absent or deleting in the foreground, or it is deleting in the foreground itself;
 *  orphaning if it is being deleted with the orphan finalizer */
function unchangedNodeWork(graph: OwnerGraph, absent: AbsentOwnerCache, node: GraphNode): GraphWork {
  const uid = node.identity.uid;
  let work: GraphWork | undefined;
  for (const ref of node.owners) {
    if (absent.has(ref.uid) || graph.get(ref.uid)?.deletingDependents) (work ??= noWork()).attemptToDelete.push(uid);
  }
  if (node.deletingDependents) (work ??= noWork()).attemptToDelete.push(uid);
  if (node.orphaningDependents) (work ??= noWork()).attemptToOrphan.push(uid);
  return work ?? NO_WORK;
}

/** would nodeFrom(type, obj) give a node equal to `node`? */
function sameNode(node: GraphNode, type: ResourceType, obj: KubeObject): boolean {
  const m = obj.metadata;
  const id = node.identity;
  if (id.type !== type || id.name !== (m.name ?? '') || id.namespace !== (type.namespaced ? m.namespace : undefined)) return false;
  const beingDeleted = m.deletionTimestamp !== undefined;
  if (node.beingDeleted !== beingDeleted) return false;
  if (node.deletingDependents !== (beingDeleted && hasFinalizer(obj, FOREGROUND_FINALIZER))) return false;
  if (node.orphaningDependents !== (beingDeleted && hasFinalizer(obj, ORPHAN_FINALIZER))) return false;
  return sameOwnerReferences(node.owners, m.ownerReferences ?? []);
}

function sameOwnerReferences(a: readonly OwnerReference[], b: readonly OwnerReference[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameFields(a[i]!, b[i]!)) return false;
  return true;
}

/** the same own keys with the same (primitive) values */
function sameFields(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (!(k in y) || x[k] !== y[k]) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
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
