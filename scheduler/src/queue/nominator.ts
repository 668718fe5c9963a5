// Nominator: which pending pods are nominated to which node (`status.nominatedNodeName`,
// set after preemption). Filters count a node's nominated pods of equal or higher
// priority as if already running there, so the room preemption freed is kept for them.
// Example: web (priority 1000) preempted batch on node-1 and is nominated there; a new
// pod of priority 0 sees node-1 as full until web is bound or nominated elsewhere.
// `onRoomFreed(node)` is told when a nomination leaves a node without the pod being bound
// there, so pods that found the node full can be retried (as after a pod deletion).

import type { PodInfo } from '../framework/pod-info.ts';

const EMPTY: readonly PodInfo[] = Object.freeze([]);

export class Nominator {
  private readonly byNode = new Map<string, PodInfo[]>();
  private readonly nodeOf = new Map<string, string>();
  onRoomFreed: ((nodeName: string) => void) | undefined;

  /** nominate (or re-nominate) the pod; '' removes the nomination */
  add(pi: PodInfo, nodeName: string): void {
    if (this.nodeOf.get(pi.key) === nodeName) {
      this.replace(pi, nodeName);
      return;
    }
    this.delete(pi.key);
    if (!nodeName) return;
    let list = this.byNode.get(nodeName);
    if (!list) this.byNode.set(nodeName, (list = []));
    list.push(pi);
    list.sort((a, b) => b.priority - a.priority);
    this.nodeOf.set(pi.key, nodeName);
  }

  /** `bound`: the pod now runs (or is assumed) there, so no room is freed */
  delete(key: string, bound = false): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const list = this.byNode.get(node)!;
    const i = list.findIndex((p) => p.key === key);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byNode.delete(node);
    if (!bound) this.onRoomFreed?.(node);
  }

  /** keeps the nomination, with a newer PodInfo */
  update(pi: PodInfo): void {
    const node = this.nodeOf.get(pi.key);
    if (node !== undefined) this.replace(pi, node);
  }

  private replace(pi: PodInfo, nodeName: string): void {
    const list = this.byNode.get(nodeName)!;
    const i = list.findIndex((p) => p.key === pi.key);
    if (i >= 0) list[i] = pi;
    list.sort((a, b) => b.priority - a.priority);
  }

  nodeFor(key: string): string | undefined {
    return this.nodeOf.get(key);
  }

  /** how many pods are nominated (0: a cycle need not look for any, node by node) */
  get size(): number {
    return this.nodeOf.size;
  }

  podsForNode(nodeName: string): readonly PodInfo[] {
    return this.byNode.get(nodeName) ?? EMPTY;
  }
}
