// The owner-reference graph of the garbage collector (Kubernetes: GraphBuilder.uidToNode):
// objects by UID, each with its ownerReferences, and the reverse index dependentsOf(uid)
// for every UID referenced — seen or not. A referenced owner not in the graph is "virtual":
// its existence is checked with a live GET. upsert(nodeFrom(type, obj)) adds or replaces;
// remove(uid) drops a node while its dependents keep pointing at it.
// Invariant: b ∈ dependentsOf(a) ⇔ node b is in the graph and lists a among its owners.

import type { KubeObject, OwnerReference, ResourceType } from '@kubesim/shared';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export interface ObjectIdentity {
  type: ResourceType;
  namespace: string | undefined;
  name: string;
  uid: string;
}

export interface GraphNode {
  identity: ObjectIdentity;
  owners: readonly OwnerReference[];
  /** deletionTimestamp is set */
  beingDeleted: boolean;
  /** being deleted in the foreground: waiting for its blocking dependents to go */
  deletingDependents: boolean;
  /** being deleted with propagationPolicy Orphan: waiting for its dependents to be released */
  orphaningDependents: boolean;
}

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

export function nodeFrom(type: ResourceType, obj: KubeObject): GraphNode {
  const beingDeleted = obj.metadata.deletionTimestamp !== undefined;
  return {
    identity: { type, namespace: type.namespaced ? obj.metadata.namespace : undefined, name: obj.metadata.name ?? '', uid: obj.metadata.uid ?? '' },
    owners: (obj.metadata.ownerReferences ?? []).map((r) => ({ ...r })),
    beingDeleted,
    deletingDependents: beingDeleted && hasFinalizer(obj, FOREGROUND_FINALIZER),
    orphaningDependents: beingDeleted && hasFinalizer(obj, ORPHAN_FINALIZER),
  };
}

/** does `node` hold a reference to `ownerUid` with blockOwnerDeletion=true? */
export function blocksOwner(node: GraphNode, ownerUid: string): boolean {
  return node.owners.some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true);
}

export class OwnerGraph {
  readonly #nodes = new Map<string, GraphNode>();
  /** owner uid → uids of the nodes that reference it */
  readonly #dependents = new Map<string, Set<string>>();

  get size(): number {
    return this.#nodes.size;
  }

  get(uid: string): GraphNode | undefined {
    return this.#nodes.get(uid);
  }

  has(uid: string): boolean {
    return this.#nodes.has(uid);
  }

  /** insert or replace a node; returns the node it replaced */
  upsert(node: GraphNode): GraphNode | undefined {
    const uid = node.identity.uid;
    const old = this.#nodes.get(uid);
    if (old) this.#unlink(uid, old.owners);
    this.#nodes.set(uid, node);
    for (const r of node.owners) {
      let set = this.#dependents.get(r.uid);
      if (!set) this.#dependents.set(r.uid, (set = new Set()));
      set.add(uid);
    }
    return old;
  }

  /** what upsert of an equal node does, without replacing it: the node goes last among
   *  each of its owners' dependents (dependentsOf lists them in the order last upserted) */
  touch(node: GraphNode): void {
    const uid = node.identity.uid;
    for (const r of node.owners) {
      const set = this.#dependents.get(r.uid)!;
      if (set.size === 1) continue; // only this node: already last
      set.delete(uid);
      set.add(uid);
    }
  }

  /** remove a node; nodes that reference it keep doing so (it becomes virtual) */
  remove(uid: string): GraphNode | undefined {
    const old = this.#nodes.get(uid);
    if (!old) return undefined;
    this.#unlink(uid, old.owners);
    this.#nodes.delete(uid);
    return old;
  }

  /** the nodes that list `ownerUid` among their owners */
  dependentsOf(ownerUid: string): GraphNode[] {
    return [...(this.#dependents.get(ownerUid) ?? [])].map((d) => this.#nodes.get(d)!);
  }

  /** referenced by some node but not itself in the graph */
  isVirtual(uid: string): boolean {
    return !this.#nodes.has(uid) && (this.#dependents.get(uid)?.size ?? 0) > 0;
  }

  /** what a dependent says about a virtual owner: the reference and the dependent's namespace */
  referenceTo(ownerUid: string): { ref: OwnerReference; dependentNamespace: string | undefined } | undefined {
    for (const d of this.dependentsOf(ownerUid)) {
      const ref = d.owners.find((r) => r.uid === ownerUid);
      if (ref) return { ref, dependentNamespace: d.identity.namespace };
    }
    return undefined;
  }

  #unlink(uid: string, owners: readonly OwnerReference[]): void {
    for (const r of owners) {
      const set = this.#dependents.get(r.uid);
      if (!set) continue;
      set.delete(uid);
      if (set.size === 0) this.#dependents.delete(r.uid);
    }
  }
}

/** A bounded set of UIDs confirmed absent (Kubernetes: absentOwnerCache). UIDs never
 *  come back, so an entry is never wrong, only evicted (oldest first) when full. */
export class AbsentOwnerCache {
  readonly #uids = new Set<string>();
  constructor(readonly capacity = 5000) {}

  add(uid: string): void {
    this.#uids.delete(uid);
    this.#uids.add(uid);
    if (this.#uids.size > this.capacity) this.#uids.delete(this.#uids.values().next().value!);
  }

  has(uid: string): boolean {
    return this.#uids.has(uid);
  }
}
