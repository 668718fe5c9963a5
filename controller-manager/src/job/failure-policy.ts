// podFailurePolicy (Kubernetes: pkg/controller/job/pod_failure_policy.go): for a failed
// pod, the first rule that matches decides: FailJob (the Job fails at once, reason
// PodFailurePolicy), FailIndex (only that index fails, with backoffLimitPerIndex), Ignore
// (the failure does not count towards backoffLimit) or Count (the default handling).
// onExitCodes looks at terminated containers (init and app) whose exit code is not 0,
// optionally of one container; onPodConditions at the pod's conditions (e.g. DisruptionTarget).
import type { Job, Pod } from '@kubesim/shared';

export type FailureAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PolicyMatch {
  action: FailureAction;
  /** for FailJob: the Failed condition's message */
  message: string;
}

export function matchPodFailurePolicy(job: Job, pod: Pod): PolicyMatch | undefined {
  const rules = job.spec.podFailurePolicy?.rules ?? [];
  const ref = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const action = rule.action as FailureAction;
    if (!['FailJob', 'FailIndex', 'Ignore', 'Count'].includes(action)) continue;
    if (rule.onExitCodes) {
      const { containerName, operator, values } = rule.onExitCodes;
      const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
      for (const cs of statuses) {
        if (containerName && cs.name !== containerName) continue;
        const code = cs.state?.terminated?.exitCode;
        if (code === undefined || code === 0) continue;
        const inSet = values.includes(code);
        if ((operator === 'In' && inSet) || (operator === 'NotIn' && !inSet)) {
          return { action, message: `Container ${cs.name} for pod ${ref} failed with exit code ${code} matching ${action} rule at index ${i}` };
        }
      }
    }
    for (const pattern of rule.onPodConditions ?? []) {
      const cond = pod.status?.conditions?.find((c) => c.type === pattern.type && c.status === (pattern.status ?? 'True'));
      if (cond) return { action, message: `Pod ${ref} has condition ${pattern.type} matching ${action} rule at index ${i}` };
    }
  }
  return undefined;
}
