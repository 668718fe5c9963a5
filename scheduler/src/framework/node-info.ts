// NodeInfo: one node as the scheduler sees it — the Node object, the pods on it (bound
// and assumed), and running totals kept in step with every add/remove: requested and
// non-zero requested resources, host ports in use, pods with (anti-)affinity, and the
// images present. Example: a 4-CPU node with pods of 500m and (no request) has
// requested.milliCPU = 500 and nonZeroRequested.milliCPU = 600. `generation` increases
// on every change that can alter a scheduling decision; `replacePod` and `replaceNode`
// swap in a newer version of a pod or of the Node that differs only elsewhere (a status
// write, a heartbeat) and keep it. `clone()` gives an independent copy for what-if
// evaluation (nominated pods, preemption dry runs); plugins must not mutate a NodeInfo.

import type { Node } from '../types.ts';
import { jsonEqual } from '../util/json-equal.ts';
import { hasAffinity } from './pod-info.ts';
import type { HostPort, PodInfo } from './pod-info.ts';
import { nodeAllocatable, Resource } from './resources.ts';

/** Image size and how many nodes have it; shared by all NodeInfos of one cache. */
export interface ImageState {
  size: number;
  nodes: Set<string>;
}

/** Host ports in use: ip → set of `protocol/port`. */
export class HostPortInfo {
  private readonly byIP = new Map<string, Map<string, number>>();

  add(p: HostPort): void {
    let m = this.byIP.get(p.ip);
    if (!m) this.byIP.set(p.ip, (m = new Map()));
    const k = `${p.protocol}/${p.port}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const m = this.byIP.get(p.ip);
    const k = `${p.protocol}/${p.port}`;
    const n = m?.get(k);
    if (!m || n === undefined) return;
    if (n <= 1) m.delete(k);
    else m.set(k, n - 1);
    if (m.size === 0) this.byIP.delete(p.ip);
  }

  /** 0.0.0.0 conflicts with every address; a specific address with itself and 0.0.0.0 */
  conflicts(p: HostPort): boolean {
    const k = `${p.protocol}/${p.port}`;
    if (p.ip === '0.0.0.0') {
      for (const m of this.byIP.values()) if (m.has(k)) return true;
      return false;
    }
    return !!(this.byIP.get(p.ip)?.has(k) || this.byIP.get('0.0.0.0')?.has(k));
  }

  get size(): number {
    return this.byIP.size;
  }

  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, m] of this.byIP) c.byIP.set(ip, new Map(m));
    return c;
  }
}

// (module-level helpers rather than closures made per call: bundled with keepNames, each
// closure made costs a defineProperty)
function dropPod(arr: PodInfo[], key: string): void {
  const j = arr.findIndex((p) => p.key === key);
  if (j >= 0) arr.splice(j, 1);
}

function swapPod(arr: PodInfo[], old: PodInfo, pi: PodInfo): void {
  const j = arr.indexOf(old);
  if (j >= 0) arr[j] = pi;
}

/**
 * Do two versions of a Node look the same to every plugin? Same name, labels, spec (taints,
 * unschedulable), allocatable and capacity, and images; the rest (conditions, heartbeat
 * times, addresses) no plugin reads.
 */
export function sameNodeForScheduling(a: Node, b: Node): boolean {
  if (a === b) return true;
  if (a.metadata.name !== b.metadata.name || !jsonEqual(a.metadata.labels, b.metadata.labels) || !jsonEqual(a.spec, b.spec)) return false;
  const sa = a.status;
  const sb = b.status;
  return jsonEqual(sa?.allocatable, sb?.allocatable) && jsonEqual(sa?.capacity, sb?.capacity) && jsonEqual(sa?.images, sb?.images);
}

let generationCounter = 0;
export function nextGeneration(): number {
  return ++generationCounter;
}

export class NodeInfo {
  node: Node | undefined;
  readonly name: string;
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new HostPortInfo();
  requested = new Resource();
  nonZeroRequested = new Resource();
  allocatable = new Resource();
  /** normalized image name → shared state */
  imageStates = new Map<string, ImageState>();
  generation = nextGeneration();

  constructor(name: string, node?: Node) {
    this.name = name;
    if (node) this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = nodeAllocatable(node.status?.allocatable ?? node.status?.capacity);
    this.generation = nextGeneration();
  }

  /** Swap in a newer version of the Node that sameNodeForScheduling finds equal to the
   *  current one, without a new generation; false (and nothing changed) otherwise. */
  replaceNode(node: Node): boolean {
    if (!this.node || !sameNodeForScheduling(this.node, node)) return false;
    this.node = node;
    return true;
  }

  addPod(pi: PodInfo): void {
    this.pods.push(pi);
    if (hasAffinity(pi)) this.podsWithAffinity.push(pi);
    if (pi.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.push(pi);
    this.requested.addResource(pi.requests, 1);
    this.nonZeroRequested.addResource(pi.nonZeroRequests, 1);
    for (const p of pi.hostPorts) this.usedPorts.add(p);
    this.generation = nextGeneration();
  }

  /** removes the pod with this key; false when it is not on the node */
  removePod(key: string): boolean {
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return false;
    const pi = this.pods[i]!;
    this.pods[i] = this.pods[this.pods.length - 1]!;
    this.pods.pop();
    if (hasAffinity(pi)) dropPod(this.podsWithAffinity, key);
    if (pi.requiredAntiAffinityTerms.length > 0) dropPod(this.podsWithRequiredAntiAffinity, key);
    this.requested.addResource(pi.requests, -1);
    this.nonZeroRequested.addResource(pi.nonZeroRequests, -1);
    for (const p of pi.hostPorts) this.usedPorts.remove(p);
    this.generation = nextGeneration();
    return true;
  }

  /**
   * Swap in a newer version of a pod already here (same key) that contributes exactly what
   * the old one did — see sameContribution — without a new generation: a kubelet's status
   * write must not make plugins recount the node. False when the pod is not here.
   */
  replacePod(pi: PodInfo): boolean {
    const i = this.pods.findIndex((p) => p.key === pi.key);
    if (i < 0) return false;
    const old = this.pods[i]!;
    this.pods[i] = pi;
    if (hasAffinity(old)) swapPod(this.podsWithAffinity, old, pi);
    if (old.requiredAntiAffinityTerms.length > 0) swapPod(this.podsWithRequiredAntiAffinity, old, pi);
    return true;
  }

  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.pods = [...this.pods];
    c.podsWithAffinity = [...this.podsWithAffinity];
    c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    c.usedPorts = this.usedPorts.clone();
    c.requested = this.requested.clone();
    c.nonZeroRequested = this.nonZeroRequested.clone();
    c.allocatable = this.allocatable;
    c.imageStates = this.imageStates;
    c.generation = this.generation;
    return c;
  }
}
