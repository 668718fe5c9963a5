// Revisions and the annotations a Deployment keeps on its ReplicaSets (Kubernetes:
// deployment/util). Each new pod template gets the next revision number; an old template
// that comes back (a rollback) moves its ReplicaSet to the newest revision. `kubectl
// rollout history` lists ReplicaSets by `deployment.kubernetes.io/revision`.

import type { Deployment, ReplicaSet } from '@kubesim/shared';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export function revisionOf(obj: { metadata: { annotations?: Record<string, string> | undefined } }): number {
  const v = Number(obj.metadata.annotations?.[REVISION_ANNOTATION] ?? '0');
  return Number.isInteger(v) && v > 0 ? v : 0;
}

export function maxRevision(rss: readonly ReplicaSet[]): number {
  let max = 0;
  for (const rs of rss) max = Math.max(max, revisionOf(rs));
  return max;
}

/** Annotations a Deployment passes down to its ReplicaSets (not its own bookkeeping). */
export function copyableAnnotations(d: Deployment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (k === REVISION_ANNOTATION || k === REVISION_HISTORY_ANNOTATION || k === DESIRED_REPLICAS_ANNOTATION || k === MAX_REPLICAS_ANNOTATION || k === LAST_APPLIED_ANNOTATION) continue;
    out[k] = v;
  }
  return out;
}

/** Annotations the new ReplicaSet should carry; `changed` tells whether any differ. */
export function newRSAnnotations(d: Deployment, rs: ReplicaSet, revision: number, maxSurge: number): { annotations: Record<string, string>; changed: boolean } {
  const annotations = { ...(rs.metadata.annotations ?? {}), ...copyableAnnotations(d) };
  const old = rs.metadata.annotations?.[REVISION_ANNOTATION];
  if (revisionOf(rs) < revision) {
    annotations[REVISION_ANNOTATION] = String(revision);
    if (old) {
      const history = annotations[REVISION_HISTORY_ANNOTATION];
      annotations[REVISION_HISTORY_ANNOTATION] = history ? `${history},${old}` : old;
    }
  }
  const replicas = d.spec?.replicas ?? 1;
  annotations[DESIRED_REPLICAS_ANNOTATION] = String(replicas);
  annotations[MAX_REPLICAS_ANNOTATION] = String(replicas + maxSurge);
  return { annotations, changed: !sameAnnotations(rs.metadata.annotations ?? {}, annotations) };
}

/** the same keys with the same values, in any order (checked on every sync: no sorting) */
function sameAnnotations(a: Record<string, string>, b: Record<string, string>): boolean {
  let n = 0;
  for (const k in a) {
    if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}
