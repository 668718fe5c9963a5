// NodeTree: the order in which the scheduler walks nodes. Nodes are grouped by zone
// (`topology.kubernetes.io/region` + `zone` labels) and listed round-robin across zones,
// so that stopping after the first N feasible nodes (percentageOfNodesToScore) still
// samples every zone. Example: zone a [n1, n2, n3], zone b [n4] → n1, n4, n2, n3.
// Zones and the nodes inside them keep insertion order.

import type { Node } from '../types.ts';

export function zoneKey(node: Node): string {
  const l = node.metadata.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

export class NodeTree {
  private readonly zones = new Map<string, string[]>();
  private readonly zoneOf = new Map<string, string>();
  private cached: string[] | undefined;

  get size(): number {
    return this.zoneOf.size;
  }

  /** true when the node was not in the tree yet */
  add(node: Node): boolean {
    const name = node.metadata.name ?? '';
    if (this.zoneOf.has(name)) return false;
    const z = zoneKey(node);
    let list = this.zones.get(z);
    if (!list) this.zones.set(z, (list = []));
    list.push(name);
    this.zoneOf.set(name, z);
    this.cached = undefined;
    return true;
  }

  remove(name: string): void {
    const z = this.zoneOf.get(name);
    if (z === undefined) return;
    const list = this.zones.get(z)!;
    list.splice(list.indexOf(name), 1);
    if (list.length === 0) this.zones.delete(z);
    this.zoneOf.delete(name);
    this.cached = undefined;
  }

  /** re-files a node whose zone labels changed; true if it moved */
  update(node: Node): boolean {
    const name = node.metadata.name ?? '';
    if (this.zoneOf.get(name) === zoneKey(node)) return false;
    this.remove(name);
    return this.add(node);
  }

  /** node names, zones interleaved */
  list(): readonly string[] {
    if (this.cached) return this.cached;
    const out: string[] = [];
    const lists = [...this.zones.values()];
    for (let i = 0; out.length < this.zoneOf.size; i++) {
      for (const l of lists) if (i < l.length) out.push(l[i]!);
    }
    this.cached = out;
    return out;
  }
}
