// Counting matching pods for PodTopologySpread without recounting the cluster each cycle.
// Kubernetes counts, every cycle, the pods a selector matches on every node (in parallel).
// Between two cycles of a burst only the node the last pod went to has changed, so kubesim
// remembers:
//   NodeMatchCounts.count        — per selector and node, until NodeInfo.generation moves;
//   NodeMatchCounts.domainCounts — per selector and topology key, the sum per domain (zone
//                     a: 7, ...) over a node list, refreshed by re-adding only the nodes
//                     whose generation moved since the last call (one number per node);
//                     with the cache's log of node changes it looks at those nodes only.
// Both give exactly the sums a full recount gives; what-if clones get their own generation.

import type { SnapshotLister } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import type { Node } from '../types.ts';
import type { LabelMatcher } from '../util/selectors.ts';

export function countPodsMatchSelector(pods: readonly PodInfo[], selector: LabelMatcher, namespace: string): number {
  let n = 0;
  for (const p of pods) {
    if (p.namespace !== namespace || p.pod.metadata.deletionTimestamp) continue;
    if (selector(p.pod.metadata.labels)) n++;
  }
  return n;
}

/** the per-domain sums of one (selector, topology key, node filter), with each node's share */
class DomainSums {
  readonly totals = new Map<string, number>();
  /** how many nodes count in each domain (a domain stays while it has nodes, even at 0 pods) */
  readonly members = new Map<string, number>();
  readonly generations: Float64Array;
  /** the domain each node counted in, or undefined when it was left out */
  readonly domains: Array<string | undefined>;
  readonly counts: Int32Array;
  /** where `nodes` stood in the snapshot's change log at the last refresh (-1: never) */
  mark = -1;
  /** each node's position in `nodes`, built the first time only changed nodes are refreshed */
  index: Map<NodeInfo, number> | undefined;

  constructor(readonly nodes: readonly NodeInfo[]) {
    this.generations = new Float64Array(nodes.length).fill(-1);
    this.domains = new Array<string | undefined>(nodes.length);
    this.counts = new Int32Array(nodes.length);
  }
}

/**
 * One selector's matching pods (in one namespace) per node, each remembered until its node
 * changes (keyed by node name and NodeInfo.generation, which is unique across the process,
 * so a what-if clone never reads the counts of another version of its node).
 */
export class NodeMatchCounts {
  readonly #byNode = new Map<string, { generation: number; n: number }>();
  readonly #domains = new Map<string, DomainSums>();

  constructor(
    readonly selector: LabelMatcher,
    readonly namespace: string,
  ) {}

  /** pods on `ni` that the selector matches */
  count(ni: NodeInfo): number {
    const e = this.#byNode.get(ni.name);
    if (e && e.generation === ni.generation) return e.n;
    const n = countPodsMatchSelector(ni.pods, this.selector, this.namespace);
    if (e) {
      e.generation = ni.generation;
      e.n = n;
    } else {
      if (this.#byNode.size >= 100_000) this.#byNode.clear();
      this.#byNode.set(ni.name, { generation: ni.generation, n });
    }
    return n;
  }

  /**
   * Σ over `nodes` of the matching pods, per value of `topologyKey` (a node without the
   * label counts under ''). Only nodes that have every key in `requiredKeys` count; one
   * `filterKey` must always come with the same `requiredKeys`. `changes` (the snapshot
   * `nodes` came from) tells which nodes changed, so the others are not even looked at.
   * Returns value → sum, the cache's own map: read it, never change it.
   */
  domainCounts(nodes: readonly NodeInfo[], topologyKey: string, requiredKeys: readonly string[], filterKey: string, changes?: SnapshotLister): ReadonlyMap<string, number> {
    const key = `${topologyKey}\0${filterKey}`;
    let sums = this.#domains.get(key);
    if (!sums || sums.nodes !== nodes) {
      sums = new DomainSums(nodes);
      this.#domains.set(key, sums);
    }
    const changed = changes?.nodeChangesSince?.(sums.mark);
    if (changed?.nodes && sums.mark >= 0) {
      const index = (sums.index ??= new Map(nodes.map((ni, i) => [ni, i])));
      for (const ni of changed.nodes) {
        const i = index.get(ni);
        if (i !== undefined) this.refresh(sums, i, topologyKey, requiredKeys);
      }
    } else {
      for (let i = 0; i < nodes.length; i++) this.refresh(sums, i, topologyKey, requiredKeys);
    }
    sums.mark = changed ? changed.mark : -1;
    return sums.totals;
  }

  /** re-add node `i` of `sums` if it changed since it was last added */
  private refresh(sums: DomainSums, i: number, topologyKey: string, requiredKeys: readonly string[]): void {
    const { totals, members, generations, domains, counts } = sums;
    const ni = sums.nodes[i]!;
    {
      if (generations[i] === ni.generation) return;
      generations[i] = ni.generation;
      const was = domains[i];
      if (was !== undefined) {
        const m = members.get(was)! - 1;
        if (m === 0) {
          members.delete(was);
          totals.delete(was);
        } else {
          members.set(was, m);
          totals.set(was, totals.get(was)! - counts[i]!);
        }
      }
      const node = ni.node;
      if (!node || !hasKeys(node, requiredKeys)) {
        domains[i] = undefined;
        counts[i] = 0;
        return;
      }
      const value = node.metadata.labels?.[topologyKey] ?? '';
      const n = this.count(ni);
      domains[i] = value;
      counts[i] = n;
      totals.set(value, (totals.get(value) ?? 0) + n);
      members.set(value, (members.get(value) ?? 0) + 1);
    }
  }
}

/** NodeMatchCounts per selector and namespace, for the selectors seen lately */
export class MatchCountCache {
  readonly #bySelector = new Map<string, NodeMatchCounts>();

  /** `key` names the selector and namespace: the same key always means the same pods match */
  forSelector(key: string, selector: LabelMatcher, namespace: string): NodeMatchCounts {
    let c = this.#bySelector.get(key);
    if (!c) {
      if (this.#bySelector.size >= 256) this.#bySelector.clear();
      c = new NodeMatchCounts(selector, namespace);
      this.#bySelector.set(key, c);
    }
    return c;
  }

  /** pods on `ni` in `namespace` that `selector` matches */
  count(ni: NodeInfo, selector: LabelMatcher, namespace: string, key: string): number {
    return this.forSelector(key, selector, namespace).count(ni);
  }
}

function hasKeys(node: Node, keys: readonly string[]): boolean {
  if (keys.length === 0) return true;
  const labels = node.metadata.labels;
  if (!labels) return false;
  for (const k of keys) if (!Object.hasOwn(labels, k)) return false;
  return true;
}
