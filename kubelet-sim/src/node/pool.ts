// Node pools: which virtual nodes a kubelet-sim process hosts. A pool names a prefix, a
// count and the node shape (capacity, allocatable, labels, taints, zones, preloaded images);
// `resolveNodes(3)` or `resolveNodes(yamlText)` expands pools into one NodeTemplate per node.
// Nodes are numbered across pools from `firstIndex`; the number fixes the node's name suffix,
// zone (round-robin over the pool's zones) and podCIDR, so a restart gives the same answers.
// Like the kubelet, allocatable defaults to capacity minus the hard eviction thresholds
// (memory.available<100Mi, nodefs.available<10%); kubesim reserves nothing else.
//
//   pools:
//   - namePrefix: gpu
//     count: 2
//     capacity: { cpu: "8", memory: 32Gi, nvidia.com/gpu: "1" }
//     taints: [{ key: gpu, value: "true", effect: NoSchedule }]

import { newQuantity, parseQuantity } from '@kubesim/shared';
import { parse as parseYaml } from 'yaml';
import type { Taint } from '../types.ts';

export interface NodePoolSpec {
  namePrefix?: string;
  count?: number;
  capacity?: Record<string, string | number>;
  allocatable?: Record<string, string | number>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  taints?: Taint[];
  zones?: string[];
  region?: string;
  /** images already in every node's cache (the pause image always is) */
  images?: string[];
  architecture?: string;
}

export interface NodePoolConfig {
  pools: NodePoolSpec[];
}

export interface NodeTemplate {
  name: string;
  index: number;
  podCIDR: string;
  zone: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  taints: Taint[];
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  images: string[];
  architecture: string;
}

export const DEFAULT_NAME_PREFIX = 'kubesim-node';
export const DEFAULT_ZONES = ['zone-a', 'zone-b', 'zone-c'];
export const DEFAULT_CAPACITY: Record<string, string> = {
  cpu: '4',
  memory: '16Gi',
  pods: '110',
  'ephemeral-storage': '100Gi',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
};

/** the /24 of node `index`: 10.244.0.0/24, 10.244.1.0/24, … continuing into 10.245.0.0/16 */
export function podCIDRFor(index: number): string {
  const second = 244 + Math.floor(index / 256);
  if (index < 0 || second > 255) throw new Error(`node index ${index} is beyond the pod network 10.244.0.0-10.255.255.255`);
  return `10.${second}.${index % 256}.0/24`;
}

function quantityText(v: string | number): string {
  return parseQuantity(v).toString();
}

function defaultAllocatable(capacity: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...capacity };
  if (capacity.memory) {
    const left = parseQuantity(capacity.memory).value() - 100 * 1024 * 1024;
    out.memory = `${Math.max(0, Math.floor(left / 1024))}Ki`;
  }
  if (capacity['ephemeral-storage']) {
    out['ephemeral-storage'] = newQuantity(Math.floor(parseQuantity(capacity['ephemeral-storage']).value() * 0.9)).toString();
  }
  return out;
}

/** Parse node-pool YAML: `{ pools: [...] }`, a bare list of pools, or one pool. */
export function parseNodePools(text: string): NodePoolConfig {
  const doc: unknown = parseYaml(text);
  if (Array.isArray(doc)) return { pools: doc as NodePoolSpec[] };
  if (doc && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    if (Array.isArray(o.pools)) return { pools: o.pools as NodePoolSpec[] };
    return { pools: [o as NodePoolSpec] };
  }
  throw new Error('node pool file: expected a pool, a list of pools, or { pools: [...] }');
}

/** Expand a count, a pool config, or pool YAML into node templates. */
export function resolveNodes(nodes: number | NodePoolConfig | NodePoolSpec | string, firstIndex = 0): NodeTemplate[] {
  let config: NodePoolConfig;
  if (typeof nodes === 'number') config = { pools: [{ count: nodes }] };
  else if (typeof nodes === 'string') config = parseNodePools(nodes);
  else if ('pools' in nodes && Array.isArray(nodes.pools)) config = nodes;
  else config = { pools: [nodes as NodePoolSpec] };

  const out: NodeTemplate[] = [];
  const names = new Set<string>();
  let index = firstIndex;
  for (const pool of config.pools) {
    const count = pool.count ?? 1;
    if (!Number.isInteger(count) || count < 0) throw new Error(`node pool ${pool.namePrefix ?? DEFAULT_NAME_PREFIX}: count must be a whole number`);
    const prefix = pool.namePrefix ?? DEFAULT_NAME_PREFIX;
    const zones = pool.zones && pool.zones.length > 0 ? pool.zones : DEFAULT_ZONES;
    const capacity: Record<string, string> = { ...DEFAULT_CAPACITY };
    for (const [k, v] of Object.entries(pool.capacity ?? {})) capacity[k] = quantityText(v);
    const allocatable = defaultAllocatable(capacity);
    for (const [k, v] of Object.entries(pool.allocatable ?? {})) allocatable[k] = quantityText(v);
    const arch = pool.architecture ?? 'amd64';
    for (let i = 0; i < count; i++, index++) {
      const name = `${prefix}-${index}`;
      if (names.has(name)) throw new Error(`node pools: node name ${name} appears twice`);
      names.add(name);
      const zone = zones[index % zones.length]!;
      const labels: Record<string, string> = {
        'beta.kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch,
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'topology.kubernetes.io/zone': zone,
        ...(pool.region ? { 'topology.kubernetes.io/region': pool.region } : {}),
        ...pool.labels,
      };
      out.push({
        name,
        index,
        podCIDR: podCIDRFor(index),
        zone,
        labels,
        annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true', ...pool.annotations },
        taints: (pool.taints ?? []).map((t) => ({ ...t })),
        capacity: { ...capacity },
        allocatable: { ...allocatable },
        images: [...(pool.images ?? [])],
        architecture: arch,
      });
    }
  }
  return out;
}
