// The ResourceQuota admission plugin, for pods being created in a namespace with quotas
// whose scopes take the pod (Kubernetes: plugin/pkg/admission/resourcequota).
// 1. Constraints: a quota on cpu or memory (requests or limits) needs every container to
//    set that resource: `pods "web" is forbidden: failed quota: q1: must specify
//    limits.cpu for: web`.
// 2. Usage: the pod's use (pods 1, its requests and limits) added to the quota's may not
//    pass spec.hard: `exceeded quota: q1, requested: pods=1, used: pods=2, limited: pods=2`.
// Both are 403s. Simplified: only the pod resources of shared's quota/pod-usage.ts are
// charged (not services, claims or count/<resource>), and a quota's use is counted from the
// pods in the watch cache at each create, where Kubernetes keeps it in status.used and
// refuses pods while that is unknown.
import { computeQuotaUsed, podMatchesQuota, podQuotaUsage, resources, tryParseQuantity } from '@kubesim/shared';
import type { KubeObject, Pod, Quantity } from '@kubesim/shared';
import type { RegistryCore } from '../core.ts';
import { cachedObjects, podForbidden } from './admission-reads.ts';

/** the resources for which every container must state a request or limit */
const CONSTRAINED = ['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

/** `must specify limits.cpu for: a,b; requests.memory for: b`, or undefined when all is set */
function missingConstraints(pod: Pod, restricted: readonly string[]): string | undefined {
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    const has = new Set<string>();
    if (requests['cpu'] !== undefined) has.add('cpu').add('requests.cpu');
    if (requests['memory'] !== undefined) has.add('memory').add('requests.memory');
    if (limits['cpu'] !== undefined) has.add('limits.cpu');
    if (limits['memory'] !== undefined) has.add('limits.memory');
    for (const r of restricted) if (!has.has(r)) (missing.get(r) ?? missing.set(r, new Set()).get(r)!).add(c.name);
  }
  if (!missing.size) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

const prettyPrint = (list: Record<string, string>): string =>
  Object.keys(list)
    .sort()
    .map((k) => `${k}=${list[k]}`)
    .join(',');

/** Admit a pod being created against its namespace's quotas; throws the 403 when it may not. */
export function admitPodQuota(core: RegistryCore, obj: KubeObject, namespace: string, name: string): void {
  const quotas = [...cachedObjects(core, resources.resourcequotas, namespace)];
  if (!quotas.length) return;
  const pod = obj as Pod;
  const refuse = (message: string): never => {
    throw podForbidden(name, message);
  };
  const pertinent = [...quotas].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')).filter((q) => podMatchesQuota(pod, q));
  for (const q of pertinent) {
    const restricted = CONSTRAINED.filter((r) => r in (q.spec?.hard ?? {}));
    const missing = missingConstraints(pod, restricted);
    if (missing) refuse(`failed quota: ${q.metadata.name ?? ''}: ${missing}`);
  }
  if (!pertinent.length) return;
  const delta = podQuotaUsage(pod);
  const pods = [...cachedObjects(core, resources.pods, namespace)];
  for (const q of pertinent) {
    const hard = q.spec?.hard ?? {};
    const used = computeQuotaUsed(q, pods, core.clock.now());
    const exceeded = Object.keys(delta).filter((r) => {
      const limit = hard[r] === undefined ? undefined : tryParseQuantity(hard[r]);
      if (!limit) return false;
      const current = tryParseQuantity(used[r] ?? '0');
      const next: Quantity = current ? current.add(delta[r]!) : delta[r]!;
      return next.cmp(limit) > 0;
    });
    if (!exceeded.length) continue;
    const pick = (list: Record<string, string | number | Quantity>): Record<string, string> =>
      Object.fromEntries(exceeded.map((r) => [r, String(list[r] ?? '0')]));
    refuse(`exceeded quota: ${q.metadata.name ?? ''}, requested: ${prettyPrint(pick(delta))}, used: ${prettyPrint(pick(used))}, limited: ${prettyPrint(pick(hard))}`);
  }
}
