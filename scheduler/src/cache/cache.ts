// SchedulerCache: the scheduler's picture of every node and the pods on it, built from
// informer events plus its own *assumed* pods. When the scheduler picks a node it assumes
// the pod there at once (Reserve), before the binding reaches the apiserver, so the next
// pod in a burst already sees the room taken — no overcommit. The assumption ends when the
// informer reports the pod bound (confirmed), the binding fails (forgotten), or, if a TTL
// is configured, when that long has passed after binding finished without confirmation.
// Life of a pod here:  assume → finishBinding → (informer add: confirmed) → remove.
// The scheduling cycle is synchronous, so the live cache doubles as the cycle's snapshot.

import type { Clock } from '@kubesim/shared';
import type { SnapshotLister } from '../framework/interfaces.ts';
import { NodeInfo } from '../framework/node-info.ts';
import type { ImageState } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { normalizedImageName } from '../plugins/image-locality.ts';
import type { Node } from '../types.ts';
import { NodeTree } from './node-tree.ts';

interface PodState {
  pi: PodInfo;
  nodeName: string;
  assumed: boolean;
  bindingFinished: boolean;
  deadline: number | undefined;
}

export class SchedulerCache implements SnapshotLister {
  private readonly nodeInfos = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  private readonly images = new Map<string, ImageState>();
  private readonly tree = new NodeTree();
  private order: NodeInfo[] | undefined;
  private readonly withAffinity = new Set<NodeInfo>();
  private readonly withAntiAffinity = new Set<NodeInfo>();
  private affinityList: NodeInfo[] | undefined;
  private antiAffinityList: NodeInfo[] | undefined;

  /** @param assumedPodTTLMs 0 = assumed pods never expire (kube-scheduler's default) */
  constructor(
    private readonly clock: Clock,
    private readonly assumedPodTTLMs = 0,
  ) {}

  // ---- SnapshotLister -------------------------------------------------------------

  list(): readonly NodeInfo[] {
    if (!this.order) this.order = this.tree.list().map((n) => this.nodeInfos.get(n)!);
    return this.order;
  }

  get(name: string): NodeInfo | undefined {
    const ni = this.nodeInfos.get(name);
    return ni?.node ? ni : undefined;
  }

  havePodsWithAffinityList(): readonly NodeInfo[] {
    this.affinityList ??= this.list().filter((n) => this.withAffinity.has(n));
    return this.affinityList;
  }

  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[] {
    this.antiAffinityList ??= this.list().filter((n) => this.withAntiAffinity.has(n));
    return this.antiAffinityList;
  }

  get nodeCount(): number {
    return this.tree.size;
  }

  // ---- nodes ---------------------------------------------------------------------

  addNode(node: Node): NodeInfo {
    const name = node.metadata.name ?? '';
    let ni = this.nodeInfos.get(name);
    if (!ni) this.nodeInfos.set(name, (ni = new NodeInfo(name)));
    else this.dropImages(ni);
    ni.setNode(node);
    this.addImages(ni, node);
    const added = this.tree.add(node);
    const moved = this.tree.update(node);
    if (added || moved) this.invalidateOrder();
    return ni;
  }

  updateNode(node: Node): NodeInfo {
    return this.addNode(node);
  }

  removeNode(name: string): void {
    const ni = this.nodeInfos.get(name);
    if (!ni) return;
    this.dropImages(ni);
    this.tree.remove(name);
    this.invalidateOrder();
    if (ni.pods.length === 0) this.nodeInfos.delete(name);
    else ni.node = undefined;
  }

  private addImages(ni: NodeInfo, node: Node): void {
    for (const img of node.status?.images ?? []) {
      for (const raw of img.names ?? []) {
        for (const name of new Set([raw, normalizedImageName(raw)])) {
          let st = this.images.get(name);
          if (!st) this.images.set(name, (st = { size: img.sizeBytes ?? 0, nodes: new Set() }));
          st.nodes.add(ni.name);
          ni.imageStates.set(name, st);
        }
      }
    }
  }

  private dropImages(ni: NodeInfo): void {
    for (const [name, st] of ni.imageStates) {
      st.nodes.delete(ni.name);
      if (st.nodes.size === 0) this.images.delete(name);
    }
    ni.imageStates = new Map();
  }

  private invalidateOrder(): void {
    this.order = undefined;
    this.affinityList = undefined;
    this.antiAffinityList = undefined;
  }

  // ---- pods ----------------------------------------------------------------------

  private nodeInfoFor(name: string): NodeInfo {
    let ni = this.nodeInfos.get(name);
    if (!ni) this.nodeInfos.set(name, (ni = new NodeInfo(name)));
    return ni;
  }

  private place(pi: PodInfo, nodeName: string): void {
    const ni = this.nodeInfoFor(nodeName);
    ni.addPod(pi);
    this.track(ni);
  }

  private unplace(key: string, nodeName: string): void {
    const ni = this.nodeInfos.get(nodeName);
    if (!ni) return;
    ni.removePod(key);
    this.track(ni);
    if (!ni.node && ni.pods.length === 0) this.nodeInfos.delete(nodeName);
  }

  private track(ni: NodeInfo): void {
    const hadA = this.withAffinity.has(ni);
    const hadR = this.withAntiAffinity.has(ni);
    const hasA = ni.podsWithAffinity.length > 0;
    const hasR = ni.podsWithRequiredAntiAffinity.length > 0;
    if (hadA !== hasA) {
      if (hasA) this.withAffinity.add(ni);
      else this.withAffinity.delete(ni);
      this.affinityList = undefined;
    }
    if (hadR !== hasR) {
      if (hasR) this.withAntiAffinity.add(ni);
      else this.withAntiAffinity.delete(ni);
      this.antiAffinityList = undefined;
    }
  }

  /** Reserve: count the pod against `nodeName` until confirmed or forgotten. */
  assumePod(pi: PodInfo, nodeName: string): void {
    if (this.podStates.has(pi.key)) throw new Error(`pod ${pi.key} is in the cache, so can't be assumed`);
    this.podStates.set(pi.key, { pi, nodeName, assumed: true, bindingFinished: false, deadline: undefined });
    this.place(pi, nodeName);
  }

  /** the binding call returned; start the expiry clock if a TTL is set */
  finishBinding(key: string): void {
    const ps = this.podStates.get(key);
    if (!ps || !ps.assumed) return;
    ps.bindingFinished = true;
    if (this.assumedPodTTLMs > 0) ps.deadline = this.clock.now() + this.assumedPodTTLMs;
  }

  /** the binding failed: give the room back */
  forgetPod(key: string): void {
    const ps = this.podStates.get(key);
    if (!ps || !ps.assumed) return;
    this.unplace(key, ps.nodeName);
    this.podStates.delete(key);
  }

  isAssumed(key: string): boolean {
    return this.podStates.get(key)?.assumed === true;
  }

  /** An assigned pod seen by the informer (ADDED or MODIFIED): confirms an assumption. */
  addOrUpdatePod(pi: PodInfo, nodeName: string): void {
    const ps = this.podStates.get(pi.key);
    if (ps) this.unplace(pi.key, ps.nodeName);
    this.podStates.set(pi.key, { pi, nodeName, assumed: false, bindingFinished: false, deadline: undefined });
    this.place(pi, nodeName);
  }

  removePod(key: string): void {
    const ps = this.podStates.get(key);
    if (!ps) return;
    this.unplace(key, ps.nodeName);
    this.podStates.delete(key);
  }

  /** Drops assumed pods whose TTL ran out; returns their keys. */
  cleanupExpiredAssumedPods(): string[] {
    const now = this.clock.now();
    const expired: string[] = [];
    for (const [key, ps] of this.podStates) {
      if (ps.assumed && ps.bindingFinished && ps.deadline !== undefined && ps.deadline <= now) expired.push(key);
    }
    for (const key of expired) this.forgetPod(key);
    return expired;
  }

  podCount(): number {
    return this.podStates.size;
  }

  /** the node a pod is (assumed) on */
  nodeOf(key: string): string | undefined {
    return this.podStates.get(key)?.nodeName;
  }
}
