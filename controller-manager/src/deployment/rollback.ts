// Rollback. Old Kubernetes versions had `spec.rollbackTo`, handled by this controller.
// apps/v1 dropped it: `kubectl rollout undo` now reads the ReplicaSets itself, picks the
// one with the wanted `deployment.kubernetes.io/revision`, and patches the Deployment's
// template back to that ReplicaSet's template (minus pod-template-hash). To the
// controller that is an ordinary template change: the matching old ReplicaSet becomes
// the new one again and gets the next revision (see revision.ts), and the rolling update
// scales it back up. So kubesim, like Kubernetes today, has no rollback code path here;
// this helper gives tests and the simulation kit the same template kubectl would write.

import type { Deployment, ReplicaSet } from '@kubesim/shared';
import { revisionOf } from './revision.ts';
import { POD_TEMPLATE_HASH } from './replicasets.ts';

/** The pod template `kubectl rollout undo --to-revision=N` would set (N = 0: the previous revision). */
export function templateForRollback(d: Deployment, rss: readonly ReplicaSet[], toRevision = 0): NonNullable<Deployment['spec']>['template'] | undefined {
  const current = revisionOf(d);
  const candidates = [...rss].sort((a, b) => revisionOf(b) - revisionOf(a));
  const target = toRevision > 0 ? candidates.find((rs) => revisionOf(rs) === toRevision) : candidates.find((rs) => revisionOf(rs) < current && revisionOf(rs) > 0);
  if (!target?.spec?.template) return undefined;
  const template = structuredClone(target.spec.template);
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
  return template;
}
