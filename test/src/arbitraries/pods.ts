// Pod specs for generated workloads: resource requests, nodeSelector and node affinity
// over the vocabulary's labels, tolerations of its taints, required anti-affinity and
// topology spread within a group of pods (label `kubesim.io/group`), host ports, and
// priorities (PriorityClass names from the vocabulary; install priorityClassManifests()).
// Features are opt-in or opt-out per option so each suite generates what its oracle checks.
//   podsArb({ count: { max: 8 }, spec: { antiAffinity: true } }) → Pod manifests p-0, p-1, …

import fc from 'fast-check';
import type { Affinity, Container, Pod, PodSpec, Toleration, TopologySpreadConstraint } from '@kubesim/shared';
import { podBehaviourArb, withBehaviour } from './behaviour.ts';
import type { PodBehaviourOptions } from './behaviour.ts';
import { HOSTNAME_LABEL, NODE_LABELS, PRIORITY_CLASSES, TAINT_EFFECTS, TAINT_KEYS, TAINT_VALUES, ZONE_LABEL, ZONES } from './vocabulary.ts';

export const GROUP_LABEL = 'kubesim.io/group';

export interface PodSpecOptions {
  /** CPU requests to pick from, in millicores; 0 = none (default 0, 100, 250, 500, 1000) */
  cpuMillis?: readonly number[];
  /** memory requests to pick from, in Mi; 0 = none (default 0, 128, 512, 1024) */
  memoryMi?: readonly number[];
  /** nodeSelector / required node affinity / tolerations over the vocabulary (default true) */
  nodeSelector?: boolean;
  nodeAffinity?: boolean;
  tolerations?: boolean;
  /** required anti-affinity to the pod's own group (default false) */
  antiAffinity?: boolean;
  /** topology spread over the pod's own group (default false) */
  topologySpread?: boolean;
  /** a PriorityClass name (default false) */
  priorities?: boolean;
  /** a host port from a tiny set (default false) */
  hostPorts?: boolean;
  image?: string;
}

export function requestsArb(o: PodSpecOptions = {}): fc.Arbitrary<Record<string, string>> {
  return fc.record({ cpu: fc.constantFrom(...(o.cpuMillis ?? [0, 100, 250, 500, 1000])), mem: fc.constantFrom(...(o.memoryMi ?? [0, 128, 512, 1024])) }).map(({ cpu, mem }) => ({
    ...(cpu > 0 ? { cpu: `${cpu}m` } : {}),
    ...(mem > 0 ? { memory: `${mem}Mi` } : {}),
  }));
}

export function tolerationArb(): fc.Arbitrary<Toleration> {
  return fc.oneof(
    fc.record({ key: fc.constantFrom(...TAINT_KEYS), operator: fc.constant('Equal'), value: fc.constantFrom(...TAINT_VALUES), effect: fc.constantFrom(...TAINT_EFFECTS) }),
    fc.record({ key: fc.constantFrom(...TAINT_KEYS), operator: fc.constant('Exists') }),
    fc.record({ key: fc.constantFrom(...TAINT_KEYS), operator: fc.constant('Exists'), effect: fc.constantFrom(...TAINT_EFFECTS) }),
  );
}

export function nodeSelectorArb(): fc.Arbitrary<Record<string, string>> {
  const keys = Object.keys(NODE_LABELS);
  return fc.constantFrom(...keys).chain((k) => fc.constantFrom(...NODE_LABELS[k]!).map((v) => ({ [k]: v })));
}

export function nodeAffinityArb(): fc.Arbitrary<NonNullable<Affinity['nodeAffinity']>> {
  const keys = Object.keys(NODE_LABELS);
  const requirement = fc.constantFrom(...keys).chain((key) =>
    fc.oneof(
      fc.record({ key: fc.constant(key), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray([...NODE_LABELS[key]!], { minLength: 1 }) }),
      fc.record({ key: fc.constant(key), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
      fc.record({ key: fc.constant(ZONE_LABEL), operator: fc.constant('In'), values: fc.subarray([...ZONES], { minLength: 1 }) }),
    ),
  );
  const term = fc.array(requirement, { minLength: 1, maxLength: 2 }).map((matchExpressions) => ({ matchExpressions }));
  return fc.record(
    {
      requiredDuringSchedulingIgnoredDuringExecution: fc.array(term, { minLength: 1, maxLength: 2 }).map((nodeSelectorTerms) => ({ nodeSelectorTerms })),
      preferredDuringSchedulingIgnoredDuringExecution: fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), preference: term }), { maxLength: 1 }),
    },
    { requiredKeys: [] },
  );
}

function antiAffinityArb(group: string): fc.Arbitrary<NonNullable<Affinity['podAntiAffinity']>> {
  return fc.constantFrom(HOSTNAME_LABEL, ZONE_LABEL).map((topologyKey) => ({
    requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { [GROUP_LABEL]: group } }, topologyKey }],
  }));
}

export function topologySpreadArb(group: string): fc.Arbitrary<TopologySpreadConstraint> {
  return fc.record({
    maxSkew: fc.integer({ min: 1, max: 2 }),
    topologyKey: fc.constantFrom(HOSTNAME_LABEL, ZONE_LABEL),
    whenUnsatisfiable: fc.constantFrom('DoNotSchedule', 'ScheduleAnyway'),
    labelSelector: fc.constant({ matchLabels: { [GROUP_LABEL]: group } }),
  });
}

const maybe = <T>(on: boolean | undefined, arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => (on ? fc.option(arb, { nil: undefined }) : fc.constant(undefined));

/** a pod spec; `group` names the pod's group for anti-affinity and spread */
export function podSpecArb(o: PodSpecOptions = {}, group = 'g0'): fc.Arbitrary<PodSpec> {
  return fc
    .record({
      requests: requestsArb(o),
      nodeSelector: maybe(o.nodeSelector !== false, nodeSelectorArb()),
      nodeAffinity: maybe(o.nodeAffinity !== false, nodeAffinityArb()),
      tolerations: o.tolerations === false ? fc.constant([]) : fc.array(tolerationArb(), { maxLength: 2 }),
      antiAffinity: maybe(o.antiAffinity, antiAffinityArb(group)),
      spread: maybe(o.topologySpread, topologySpreadArb(group)),
      priorityClassName: maybe(o.priorities, fc.constantFrom(...Object.keys(PRIORITY_CLASSES))),
      hostPort: maybe(o.hostPorts, fc.constantFrom(8080, 9090)),
    })
    .map((r) => {
      const container: Container = {
        name: 'app',
        image: o.image ?? 'nginx',
        ...(Object.keys(r.requests).length ? { resources: { requests: r.requests } } : {}),
        ...(r.hostPort ? { ports: [{ containerPort: r.hostPort, hostPort: r.hostPort }] } : {}),
      } as Container;
      const affinity: Affinity = {
        ...(r.nodeAffinity && Object.keys(r.nodeAffinity).length ? { nodeAffinity: r.nodeAffinity } : {}),
        ...(r.antiAffinity ? { podAntiAffinity: r.antiAffinity } : {}),
      };
      return {
        containers: [container],
        terminationGracePeriodSeconds: 30,
        ...(r.nodeSelector ? { nodeSelector: r.nodeSelector } : {}),
        ...(Object.keys(affinity).length ? { affinity } : {}),
        ...(r.tolerations.length ? { tolerations: r.tolerations } : {}),
        ...(r.spread ? { topologySpreadConstraints: [r.spread] } : {}),
        ...(r.priorityClassName ? { priorityClassName: r.priorityClassName } : {}),
      } as PodSpec;
    });
}

export interface PodsOptions {
  /** how many pods (default 1–8) */
  count?: { min?: number; max?: number };
  /** how many groups pods fall in (default 1–2) */
  groups?: number;
  spec?: PodSpecOptions;
  /** kubesim.io behaviour (default: plain pods that start at once) */
  behaviour?: PodBehaviourOptions;
  namespace?: string;
}

export function podArb(name: string, group: string, o: PodsOptions = {}): fc.Arbitrary<Pod> {
  return fc.tuple(podSpecArb(o.spec, group), o.behaviour ? podBehaviourArb(o.behaviour) : fc.constant(undefined)).map(([spec, b]) => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: o.namespace ?? 'default', labels: { [GROUP_LABEL]: group } }, spec } as Pod;
    return b ? withBehaviour(pod, b) : pod;
  });
}

/** pods p-0 … p-(n−1), each in group g0 … g(groups−1) */
export function podsArb(o: PodsOptions = {}): fc.Arbitrary<Pod[]> {
  const groups = Math.max(1, o.groups ?? 2);
  return fc
    .array(fc.integer({ min: 0, max: groups - 1 }), { minLength: o.count?.min ?? 1, maxLength: o.count?.max ?? 8 })
    .chain((gs) => (gs.length === 0 ? fc.constant([] as Pod[]) : fc.tuple(...gs.map((g, i) => podArb(`p-${i}`, `g${g}`, o)))));
}
