// SchedulerCache: the scheduler's picture of every node and the pods on it, built from
// informer events plus its own *assumed* pods. When the scheduler picks a node it assumes
// the pod there at once (Reserve), before the binding reaches the apiserver, so the next
// pod in a burst already sees the room taken — no overcommit. The assumption ends when the
// informer reports the pod bound (confirmed), the binding fails (forgotten), or, if a TTL
// is configured, when that long has passed after binding finished without confirmation.
// Life of a pod here:  assume → finishBinding → (informer add: confirmed) → remove.
// Pods are keyed by uid, as in kube-scheduler, so db-0 recreated under its old name is
// another pod; NodeInfo finds pods by name, so a new uid replaces its name's old entry.
// The scheduling cycle is synchronous, so the live cache doubles as the cycle's snapshot.
// Like kube-scheduler's cache, which keeps its nodes in the order they changed so a
// snapshot update copies only those, it logs every node change (nodeChangesSince), so
// plugins keeping per-node sums revisit only the nodes that changed.

import type { Clock } from '@kubesim/shared';
import type { SnapshotLister } from '../framework/interfaces.ts';
import { NodeInfo } from '../framework/node-info.ts';
import type { ImageState } from '../framework/node-info.ts';
import { sameContribution } from '../framework/pod-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { normalizedImageName } from '../plugins/image-locality.ts';
import type { Node } from '../types.ts';
import { NodeTree } from './node-tree.ts';

/** which pod: its uid (the cache's key) and its namespace/name */
export type PodRef = Pick<PodInfo, 'uid' | 'key'>;

/** the cache's key for a pod: its uid (a pod without one, as in some tests, by name) */
const cacheKey = (p: PodRef): string => p.uid || `name:${p.key}`;

interface PodState {
  pi: PodInfo;
  nodeName: string;
  assumed: boolean;
  bindingFinished: boolean;
  deadline: number | undefined;
}

export class SchedulerCache implements SnapshotLister {
  private readonly nodeInfos = new Map<string, NodeInfo>();
  /** by cacheKey (uid) */
  private readonly podStates = new Map<string, PodState>();
  /** namespace/name → cacheKey of the one pod of that name held here */
  private readonly byName = new Map<string, string>();
  private readonly images = new Map<string, ImageState>();
  private readonly tree = new NodeTree();
  private order: NodeInfo[] | undefined;
  private readonly withAffinity = new Set<NodeInfo>();
  private readonly withAntiAffinity = new Set<NodeInfo>();
  private affinityList: NodeInfo[] | undefined;
  private antiAffinityList: NodeInfo[] | undefined;
  /** every change of a node, oldest first (see nodeChangesSince); changeLog[0] is change
   *  number `changeBase` */
  private changeLog: NodeInfo[] = [];
  private changeBase = 0;

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

  nodeChangesSince(mark: number): { nodes: readonly NodeInfo[] | undefined; mark: number } {
    const end = this.changeBase + this.changeLog.length;
    const from = mark - this.changeBase;
    return { nodes: from < 0 || from > this.changeLog.length ? undefined : this.changeLog.slice(from), mark: end };
  }

  /** log a change of `ni`; the log keeps the last 1–2 × (nodes, at least 1,024) changes */
  private changed(ni: NodeInfo): void {
    this.changeLog.push(ni);
    if (this.changeLog.length >= 2 * Math.max(1024, this.nodeInfos.size)) {
      const drop = this.changeLog.length >> 1;
      this.changeLog = this.changeLog.slice(drop);
      this.changeBase += drop;
    }
  }

  // ---- nodes ---------------------------------------------------------------------

  addNode(node: Node): NodeInfo {
    const name = node.metadata.name ?? '';
    let ni = this.nodeInfos.get(name);
    if (!ni) this.nodeInfos.set(name, (ni = new NodeInfo(name)));
    else this.dropImages(ni);
    ni.setNode(node);
    this.changed(ni);
    this.addImages(ni, node);
    const added = this.tree.add(node);
    const moved = this.tree.update(node);
    if (added || moved) this.invalidateOrder();
    return ni;
  }

  /** A new version of a node: one that only a heartbeat or a condition changed (see
   *  sameNodeForScheduling) replaces the old object, with no new generation and no entry
   *  in the change log, so per-node caches stay valid. */
  updateNode(node: Node): NodeInfo {
    const ni = this.nodeInfos.get(node.metadata.name ?? '');
    if (ni?.replaceNode(node)) return ni;
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
    this.changed(ni);
    this.track(ni);
  }

  private unplace(key: string, nodeName: string): void {
    const ni = this.nodeInfos.get(nodeName);
    if (!ni) return;
    if (ni.removePod(key)) this.changed(ni);
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

  /** Reserve: count the pod against `nodeName` until confirmed or forgotten. Throws if
   *  this very pod (same uid) is already here: assuming it twice is a scheduler bug. */
  assumePod(pi: PodInfo, nodeName: string): void {
    const id = cacheKey(pi);
    if (this.podStates.has(id)) throw new Error(`pod ${pi.key} (uid ${pi.uid}) is in the cache, so can't be assumed`);
    this.dropOtherPodNamed(pi);
    this.podStates.set(id, { pi, nodeName, assumed: true, bindingFinished: false, deadline: undefined });
    this.byName.set(pi.key, id);
    this.place(pi, nodeName);
  }

  /** the binding call returned; start the expiry clock if a TTL is set */
  finishBinding(pod: PodRef): void {
    const ps = this.podStates.get(cacheKey(pod));
    if (!ps || !ps.assumed) return;
    ps.bindingFinished = true;
    if (this.assumedPodTTLMs > 0) ps.deadline = this.clock.now() + this.assumedPodTTLMs;
  }

  /** the binding failed: give the room back (a no-op unless this pod is still assumed) */
  forgetPod(pod: PodRef): void {
    const id = cacheKey(pod);
    if (this.podStates.get(id)?.assumed) this.drop(id);
  }

  isAssumed(pod: PodRef): boolean {
    return this.podStates.get(cacheKey(pod))?.assumed === true;
  }

  /** An assigned pod seen by the informer (ADDED or MODIFIED): confirms an assumption. A
   *  version that counts the same on the same node (a status write) replaces the old one
   *  without changing the node's generation. */
  addOrUpdatePod(pi: PodInfo, nodeName: string): void {
    const id = cacheKey(pi);
    const ps = this.podStates.get(id);
    if (ps && ps.nodeName === nodeName && sameContribution(ps.pi, pi) && this.nodeInfos.get(nodeName)?.replacePod(pi)) {
      this.podStates.set(id, { pi, nodeName, assumed: false, bindingFinished: false, deadline: undefined });
      return;
    }
    if (ps) this.unplace(ps.pi.key, ps.nodeName);
    else this.dropOtherPodNamed(pi);
    this.podStates.set(id, { pi, nodeName, assumed: false, bindingFinished: false, deadline: undefined });
    this.byName.set(pi.key, id);
    this.place(pi, nodeName);
  }

  /** the pod is gone (deleted, finished); a no-op unless this very pod (uid) is here */
  removePod(pod: PodRef): void {
    const id = cacheKey(pod);
    if (this.podStates.has(id)) this.drop(id);
  }

  /** Drops assumed pods whose TTL ran out; returns their namespace/name keys. */
  cleanupExpiredAssumedPods(): string[] {
    const now = this.clock.now();
    const expired: string[] = [];
    for (const [id, ps] of this.podStates) {
      if (ps.assumed && ps.bindingFinished && ps.deadline !== undefined && ps.deadline <= now) expired.push(id);
    }
    return expired.map((id) => {
      const key = this.podStates.get(id)!.pi.key;
      this.drop(id);
      return key;
    });
  }

  /** a pod of this name with another uid is a deleted one: its entry goes */
  private dropOtherPodNamed(pod: PodRef): void {
    const other = this.byName.get(pod.key);
    if (other !== undefined && other !== cacheKey(pod)) this.drop(other);
  }

  private drop(id: string): void {
    const ps = this.podStates.get(id)!;
    this.unplace(ps.pi.key, ps.nodeName);
    this.podStates.delete(id);
    if (this.byName.get(ps.pi.key) === id) this.byName.delete(ps.pi.key);
  }

  podCount(): number {
    return this.podStates.size;
  }

  /** the node this pod (by uid) is (assumed) on */
  nodeOf(pod: PodRef): string | undefined {
    return this.podStates.get(cacheKey(pod))?.nodeName;
  }
}
