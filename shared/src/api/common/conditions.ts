// The condition shapes: Kubernetes' per-kind conditions (type, status True/False/Unknown,
// reason, message, timestamps) share one schema here, plus the generic meta/v1 Condition
// (with observedGeneration) that newer APIs use. Each kind's `type` values are listed in
// its own file.

import { z } from 'zod';
import { int, obj, opt, str, time } from './schema.ts';

const conditionFields = {
  type: str().describe('The kind of condition, e.g. `Ready` or `Available`.'),
  status: str().describe('True, False or Unknown.'),
  reason: opt(str(), 'A one-word CamelCase reason for the last transition.'),
  message: opt(str(), 'A human-readable explanation of the last transition.'),
  lastTransitionTime: opt(time(), 'When the status last changed.'),
};

/** conditions of Pods, Deployments, ReplicaSets, Nodes, Jobs, ... (the optional heartbeat fields vary by kind) */
export const ConditionSchema = obj({
  ...conditionFields,
  lastUpdateTime: opt(time(), 'When this condition was last updated (Deployments).'),
  lastHeartbeatTime: opt(time(), 'When the condition was last probed or reported (Nodes, Pods, PVCs).'),
  lastProbeTime: opt(time(), 'When the condition was last probed (Pods, Jobs).'),
});
export type Condition = z.infer<typeof ConditionSchema>;

/** meta/v1 Condition as used by PodDisruptionBudget and newer APIs */
export const MetaConditionSchema = obj({
  ...conditionFields,
  observedGeneration: opt(int(), 'The .metadata.generation this condition was set for.'),
});
export type MetaCondition = z.infer<typeof MetaConditionSchema>;

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
