// `pods/eviction` (policy/v1 Eviction): delete a pod unless a PodDisruptionBudget forbids it.
// A pod that is terminal, pending or already being deleted goes at once; so does one with no
// PDB. With one matching PDB, the eviction consumes one of status.disruptionsAllowed (and
// records the pod in status.disruptedPods) before deleting; at zero it is a 429 that kubectl
// drain retries every 5 s. Unhealthy pods follow the PDB's unhealthyPodEvictionPolicy.
// Success is 201 with a Success Status, as Kubernetes answers.

import { failure, formatTime, resources, selectorMatches, successStatus, type KubeObject, type LabelSelector } from '@kubesim/shared';
import type { Registry, SubresourceHandler, SubresourceRequest } from '../registry/registry.ts';
import { isPlainObject } from '../registry/objects.ts';

type Pod = KubeObject & { status?: { phase?: string; conditions?: Array<{ type?: string; status?: string }> } };
type Pdb = KubeObject & {
  spec?: { selector?: LabelSelector; unhealthyPodEvictionPolicy?: string };
  status?: { disruptionsAllowed?: number; observedGeneration?: number; currentHealthy?: number; desiredHealthy?: number; disruptedPods?: Record<string, string> };
};

const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

function isReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function deleteOptionsOf(body: unknown): Record<string, unknown> {
  return isPlainObject(body) && isPlainObject(body['deleteOptions']) ? body['deleteOptions'] : {};
}

async function deletePod(registry: Registry, req: SubresourceRequest): Promise<void> {
  const opts = deleteOptionsOf(req.body);
  await registry.delete(resources.pods, req.name, {
    ...(req.namespace ? { namespace: req.namespace } : {}),
    ...(typeof opts['gracePeriodSeconds'] === 'number' ? { gracePeriodSeconds: opts['gracePeriodSeconds'] } : {}),
    ...(isPlainObject(opts['preconditions']) ? { preconditions: opts['preconditions'] as { uid?: string; resourceVersion?: string } } : {}),
    ...(req.dryRun ? { dryRun: true } : {}),
    ...(req.user ? { user: req.user } : {}),
  });
}

/** Evict one pod; resolves to the 201 Success Status. */
export async function evictPod(registry: Registry, req: SubresourceRequest): Promise<{ code: number; body: unknown }> {
  const ns = req.namespace ? { namespace: req.namespace } : {};
  const pod = (await registry.get(resources.pods, req.name, ns)) as Pod;
  const done = { code: 201, body: successStatus(201) };
  const phase = pod.status?.phase;
  if (pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending') {
    await deletePod(registry, req);
    return done;
  }
  const pdbs = ((await registry.list(resources.poddisruptionbudgets, ns)).items as Pdb[]).filter(
    (p) => p.spec?.selector && selectorMatches(p.spec.selector, pod.metadata.labels),
  );
  if (pdbs.length > 1) throw failure(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  if (pdbs.length === 0) {
    await deletePod(registry, req);
    return done;
  }
  const pdb = pdbs[0]!;
  if (!isReady(pod)) {
    const policy = pdb.spec?.unhealthyPodEvictionPolicy ?? 'IfHealthyBudget';
    if (policy === 'AlwaysAllow' || (pdb.status?.currentHealthy ?? 0) >= (pdb.status?.desiredHealthy ?? 0)) {
      await deletePod(registry, req);
      return done;
    }
  }
  await registry.guaranteedUpdate(
    resources.poddisruptionbudgets,
    req.namespace,
    pdb.metadata.name ?? '',
    (current) => {
      const budget = current as Pdb;
      const status = (budget.status ??= {});
      if ((status.observedGeneration ?? 0) < (budget.metadata.generation ?? 0)) {
        throw failure(429, 'TooManyRequests', VIOLATION, {
          causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${budget.metadata.name} is still being processed by the server.` }],
        });
      }
      const allowed = status.disruptionsAllowed ?? 0;
      if (allowed < 0) throw failure(403, 'Forbidden', 'pdb disruptions allowed is negative');
      if (allowed === 0) {
        throw failure(429, 'TooManyRequests', VIOLATION, {
          causes: [
            {
              reason: 'DisruptionBudget',
              message: `The disruption budget ${budget.metadata.name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`,
            },
          ],
        });
      }
      status.disruptionsAllowed = allowed - 1;
      status.disruptedPods = { ...(status.disruptedPods ?? {}), [req.name]: formatTime(registry.clock.now()) };
      return budget;
    },
    { subresource: 'status', userAgent: 'kube-apiserver', ...(req.dryRun ? { dryRun: true } : {}) },
  );
  await deletePod(registry, req);
  return done;
}

export function evictionHandler(registry: Registry): SubresourceHandler {
  return { create: (req) => evictPod(registry, req) };
}
