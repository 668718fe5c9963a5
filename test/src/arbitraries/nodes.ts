// Node pools for generated clusters, in kubelet-sim's pool format (pass the result as
// `createSimulation({ nodes })`). Capacities, labels from the shared vocabulary, zones and
// taints vary per pool; every node of a pool is alike (as in a real node group).
//   fc.sample(nodePoolsArb({ maxNodes: 5 }), 1) → { pools: [{ namePrefix: 'pool-0', count: 2, ... }] }
// Node names are `<prefix>-<index>`, numbered across pools from 0.

import fc from 'fast-check';
import type { NodePoolConfig, NodePoolSpec } from '@kubesim/kubelet-sim';
import type { Taint } from '@kubesim/shared';
import { NODE_LABELS, TAINT_EFFECTS, TAINT_KEYS, TAINT_VALUES, ZONES } from './vocabulary.ts';

export interface NodePoolOptions {
  /** pools (default 1–3) */
  minPools?: number;
  maxPools?: number;
  /** nodes over all pools (default 1–5); each pool has at least one */
  minNodes?: number;
  maxNodes?: number;
  /** CPUs per node to pick from (default 1, 2, 4) */
  cpus?: readonly number[];
  /** memory per node (default 2Gi, 4Gi, 8Gi) */
  memories?: readonly string[];
  /** max pods per node to pick from (default 110 only) */
  maxPods?: readonly number[];
  /** taints from the vocabulary (default true; false = no taints) */
  taints?: boolean;
  /** only these taint effects (default all three) */
  taintEffects?: readonly string[];
  /** labels from the vocabulary (default true) */
  labels?: boolean;
}

export function taintArb(effects: readonly string[] = TAINT_EFFECTS): fc.Arbitrary<Taint> {
  return fc.record({ key: fc.constantFrom(...TAINT_KEYS), value: fc.constantFrom(...TAINT_VALUES), effect: fc.constantFrom(...effects) });
}

export function nodeLabelsArb(): fc.Arbitrary<Record<string, string>> {
  const entries = Object.entries(NODE_LABELS).map(([k, values]) => fc.option(fc.constantFrom(...values), { nil: undefined }).map((v) => [k, v] as const));
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) as Record<string, string>);
}

function poolArb(index: number, count: number, o: NodePoolOptions): fc.Arbitrary<NodePoolSpec> {
  const noTaints = o.taints === false;
  return fc
    .record({
      cpu: fc.constantFrom(...(o.cpus ?? [1, 2, 4])),
      memory: fc.constantFrom(...(o.memories ?? ['2Gi', '4Gi', '8Gi'])),
      pods: fc.constantFrom(...(o.maxPods ?? [110])),
      labels: o.labels === false ? fc.constant({}) : nodeLabelsArb(),
      taints: noTaints ? fc.constant([] as Taint[]) : fc.uniqueArray(taintArb(o.taintEffects), { maxLength: 2, selector: (t) => `${t.key}:${t.effect}` }),
      zones: fc.subarray([...ZONES], { minLength: 1 }),
    })
    .map((p) => ({
      namePrefix: `pool-${index}`,
      count,
      capacity: { cpu: String(p.cpu), memory: p.memory, pods: String(p.pods) },
      labels: p.labels,
      taints: p.taints,
      zones: p.zones,
    }));
}

/** a split of `total` nodes into `pools` non-empty pools */
function splitArb(total: number, pools: number): fc.Arbitrary<number[]> {
  if (pools === 1) return fc.constant([total]);
  return fc.uniqueArray(fc.integer({ min: 1, max: total - 1 }), { minLength: pools - 1, maxLength: pools - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), total];
    return points.slice(1).map((p, i) => p - points[i]!);
  });
}

export function nodePoolsArb(o: NodePoolOptions = {}): fc.Arbitrary<NodePoolConfig> {
  const minNodes = o.minNodes ?? 1;
  const maxNodes = Math.max(minNodes, o.maxNodes ?? 5);
  return fc
    .integer({ min: minNodes, max: maxNodes })
    .chain((total) => fc.integer({ min: Math.max(1, o.minPools ?? 1), max: Math.max(1, Math.min(total, o.maxPools ?? 3)) }).chain((pools) => splitArb(total, pools)))
    .chain((counts) => fc.tuple(...counts.map((c, i) => poolArb(i, c, o))))
    .map((pools) => ({ pools }));
}

/** node names a pool config gives (kubelet-sim numbers nodes across pools) */
export function nodeNamesOf(config: NodePoolConfig): string[] {
  const out: string[] = [];
  let index = 0;
  for (const p of config.pools) for (let i = 0; i < (p.count ?? 1); i++) out.push(`${p.namePrefix ?? 'kubesim-node'}-${index++}`);
  return out;
}

export function nodeCount(config: NodePoolConfig): number {
  return config.pools.reduce((n, p) => n + (p.count ?? 1), 0);
}
