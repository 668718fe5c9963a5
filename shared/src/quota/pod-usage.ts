// What a ResourceQuota's status.used should say (Kubernetes: pkg/quota/v1/evaluator/core/
// pods.go). A pod counts while it is not terminal (phase Succeeded or Failed) and not past
// its deletion grace period, and only if it is in every scope of the quota. It uses:
//   pods 1; requests.cpu/cpu and requests.memory/memory its requests; limits.cpu and
//   limits.memory its limits. A pod's amount is the most of (its containers + sidecars)
//   and each ordinary init container (+ the sidecars started before it).
// Example: containers asking 100m and 200m cpu and an init container asking 500m → 500m.
// kubesim evaluates only these pod resources; object counts (services, count/…) and the
// CrossNamespacePodAffinity and VolumeAttributesClass scopes are not evaluated.
// Shared by the controller-manager's resourcequota controller (status.used) and the
// apiserver's ResourceQuota admission (which refuses pods that would go over).
import { Quantity, parseQuantity, tryParseQuantity } from '../meta/quantity.ts';
import type { Pod } from '../api/core/pod.ts';
import type { ResourceQuota } from '../api/core/resourcequota.ts';

type Container = NonNullable<NonNullable<Pod['spec']>['containers']>[number];
type Requirement = 'requests' | 'limits';

/** the pod resources this evaluator knows, each read from requests or limits */
const POD_RESOURCES: Record<string, { from: Requirement; resource: string }> = {
  cpu: { from: 'requests', resource: 'cpu' },
  'requests.cpu': { from: 'requests', resource: 'cpu' },
  memory: { from: 'requests', resource: 'memory' },
  'requests.memory': { from: 'requests', resource: 'memory' },
  'limits.cpu': { from: 'limits', resource: 'cpu' },
  'limits.memory': { from: 'limits', resource: 'memory' },
};

/** the quota resources kubesim can count; others are left out of status.used */
export function isQuotaEvaluated(resource: string): boolean {
  return resource === 'pods' || resource in POD_RESOURCES;
}

const ZERO = parseQuantity('0');

function amount(c: Container, from: Requirement, resource: string): Quantity {
  const v = c.resources?.[from]?.[resource];
  return (v === undefined ? undefined : tryParseQuantity(v)) ?? ZERO;
}

const max = (a: Quantity, b: Quantity): Quantity => (a.cmp(b) >= 0 ? a : b);
/** a + b; a zero `a` takes b's format, as Go's Quantity.Add does (so 0 + 64Mi prints 64Mi) */
const plus = (a: Quantity, b: Quantity): Quantity => Quantity.fromNanos(a.nanos + b.nanos, a.isZero() ? b.format : a.format);

/** the pod's total of one resource, as the scheduler and quota see it */
export function podAmount(pod: Pod, from: Requirement, resource: string): Quantity {
  let total = ZERO;
  for (const c of pod.spec?.containers ?? []) total = plus(total, amount(c, from, resource));
  let sidecars = ZERO;
  let initPeak = ZERO;
  for (const c of pod.spec?.initContainers ?? []) {
    const q = amount(c, from, resource);
    if (c.restartPolicy === 'Always') {
      sidecars = plus(sidecars, q);
      initPeak = max(initPeak, sidecars);
    } else {
      initPeak = max(initPeak, plus(sidecars, q));
    }
  }
  return max(plus(total, sidecars), initPeak);
}

/**
 * What creating `pod` adds to a quota's use (Kubernetes' podUsageHelper, zeros removed):
 * `pods` 1, and each evaluated resource some container sets (`requests.cpu` and `cpu` from
 * cpu requests, `limits.memory` from memory limits, ...).
 */
export function podQuotaUsage(pod: Pod): Record<string, Quantity> {
  const usage: Record<string, Quantity> = { pods: parseQuantity('1') };
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const [name, { from, resource }] of Object.entries(POD_RESOURCES)) {
    if (!all.some((c) => c.resources?.[from]?.[resource] !== undefined)) continue;
    const q = podAmount(pod, from, resource);
    if (!q.isZero()) usage[name] = q;
  }
  return usage;
}

/** Kubernetes' QuotaV1Pod: terminal pods and pods past their grace period are not charged */
export function podIsCharged(pod: Pod, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const deletion = pod.metadata.deletionTimestamp;
  const grace = pod.metadata.deletionGracePeriodSeconds;
  if (deletion && grace !== undefined && now > Date.parse(deletion) + grace * 1000) return false;
  return true;
}

function isBestEffort(pod: Pod): boolean {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return all.every((c) => Object.keys(c.resources?.requests ?? {}).length === 0 && Object.keys(c.resources?.limits ?? {}).length === 0);
}

function matchesScope(pod: Pod, scope: string, operator: string, values: readonly string[]): boolean {
  const terminating = pod.spec?.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds >= 0;
  switch (scope) {
    case 'Terminating':
      return terminating;
    case 'NotTerminating':
      return !terminating;
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'PriorityClass': {
      const cls = pod.spec?.priorityClassName ?? '';
      switch (operator) {
        case 'In':
          return values.includes(cls);
        case 'NotIn':
          return !values.includes(cls);
        case 'Exists':
          return cls !== '';
        case 'DoesNotExist':
          return cls === '';
      }
      return false;
    }
    default:
      return false;
  }
}

/** the pod is in every scope of `scopes` and every requirement of `scopeSelector` */
export function podMatchesQuota(pod: Pod, quota: ResourceQuota): boolean {
  const spec = quota.spec ?? {};
  if (!(spec.scopes ?? []).every((s) => matchesScope(pod, s, 'Exists', []))) return false;
  return (spec.scopeSelector?.matchExpressions ?? []).every((r) => matchesScope(pod, r.scopeName, r.operator, r.values ?? []));
}

/**
 * status.used for the evaluated resources of spec.hard, over the pods of the quota's
 * namespace (quantities in canonical form: `1500m`, `256Mi`, `3`).
 */
export function computeQuotaUsed(quota: ResourceQuota, pods: readonly Pod[], now: number): Record<string, string> {
  const tracked = Object.keys(quota.spec?.hard ?? {}).filter(isQuotaEvaluated).sort();
  const charged = pods.filter((p) => podIsCharged(p, now) && podMatchesQuota(p, quota));
  const used: Record<string, string> = {};
  for (const name of tracked) {
    if (name === 'pods') {
      used[name] = String(charged.length);
      continue;
    }
    const { from, resource } = POD_RESOURCES[name]!;
    used[name] = charged.reduce((sum, p) => plus(sum, podAmount(p, from, resource)), ZERO).toString();
  }
  return used;
}
