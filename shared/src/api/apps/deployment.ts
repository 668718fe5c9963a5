// Deployment (apps/v1): declarative updates of ReplicaSets. Defaults: replicas 1, strategy
// RollingUpdate with maxUnavailable/maxSurge 25%, revisionHistoryLimit 10,
// progressDeadlineSeconds 600. Validation: selector matches template labels and is
// immutable, template restartPolicy Always, rolling-update bounds, deadline > minReady;
// status writes: workload-status.ts.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ConditionSchema } from '../common/conditions.ts';
import { defineKind } from '../common/define.ts';
import { IntOrStringSchema } from '../common/intorstring.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { bool, int, obj, opt, str, typeMetaShape } from '../common/schema.ts';
import { LabelSelectorSchema } from '../common/selector.ts';
import { PodTemplateSpecSchema, setPodTemplateDefaults, validatePodTemplate, validateSelectorAndTemplate } from '../core/pod-template.ts';
import { resources } from '../resources.ts';
import { at, fieldForbidden, fieldInvalid, validateEnum } from '../validation/field.ts';
import {
  intOrPercentValue,
  isNotMoreThan100Percent,
  validateCounts,
  validatePositiveIntOrPercent,
  validateSelectorImmutable,
  validateSelectorSyntax,
} from './workload.ts';
import { validateDeploymentStatusUpdate } from './workload-status.ts';

export const DEPLOYMENT_CONDITION_TYPES = ['Available', 'Progressing', 'ReplicaFailure'] as const;

export const DeploymentStrategySchema = obj({
  type: opt(str(), 'Recreate or RollingUpdate (default RollingUpdate).'),
  rollingUpdate: opt(
    obj({
      maxUnavailable: opt(IntOrStringSchema, 'Pods that may be unavailable during the update: a number or a percentage of replicas (default 25%).'),
      maxSurge: opt(IntOrStringSchema, 'Pods that may be created above the desired count: a number or a percentage (default 25%).'),
    }),
    'Parameters of a RollingUpdate; only with type RollingUpdate.',
  ),
});

export const DeploymentSpecSchema = obj({
  replicas: opt(int(), 'Number of desired pods (default 1).'),
  selector: LabelSelectorSchema.describe('Label query over the pods the deployment manages; must match the template labels; immutable.'),
  template: PodTemplateSpecSchema.describe('The pods to create; its restartPolicy must be Always.'),
  strategy: opt(DeploymentStrategySchema, 'How to replace existing pods with new ones.'),
  minReadySeconds: opt(int(), 'Seconds a new pod must be ready, without crashing, to count as available.'),
  revisionHistoryLimit: opt(int(), 'How many old ReplicaSets to keep for rollback (default 10).'),
  paused: opt(bool(), 'Whether the deployment is paused (no rollouts).'),
  progressDeadlineSeconds: opt(int(), 'Seconds without progress before the deployment is reported as failed (default 600).'),
});

export const DeploymentStatusSchema = obj({
  observedGeneration: opt(int(), 'The generation the controller last acted on.'),
  replicas: opt(int(), 'Pods targeted by this deployment (their labels match the selector).'),
  updatedReplicas: opt(int(), 'Pods that have the desired template.'),
  readyReplicas: opt(int(), 'Pods with a Ready condition.'),
  availableReplicas: opt(int(), 'Pods ready for at least minReadySeconds.'),
  unavailableReplicas: opt(int(), 'Pods still needed for 100% availability.'),
  terminatingReplicas: opt(int(), 'Pods being deleted.'),
  conditions: opt(z.array(ConditionSchema), 'Available, Progressing, ReplicaFailure.'),
  collisionCount: opt(int(), 'Counts hash collisions of ReplicaSet names.'),
});

export const DeploymentSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: DeploymentSpecSchema.describe('The desired behavior of the deployment.'),
  status: opt(DeploymentStatusSchema, 'The most recently observed status of the deployment.'),
});
export type Deployment = z.infer<typeof DeploymentSchema>;
export type DeploymentSpec = z.infer<typeof DeploymentSpecSchema>;
export type DeploymentStatus = z.infer<typeof DeploymentStatusSchema>;

export function setDeploymentDefaults(d: Deployment): void {
  const spec = d.spec;
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  setPodTemplateDefaults(spec.template);
}

function validateStrategy(s: Deployment['spec']['strategy']): StatusCause[] {
  if (!s) return [];
  const path = 'spec.strategy';
  const causes = validateEnum(s.type, ['Recreate', 'RollingUpdate'], at(path, 'type'));
  const ru = s.rollingUpdate;
  if (s.type === 'Recreate' && ru) {
    causes.push(fieldForbidden(at(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  }
  if (ru) {
    const p = at(path, 'rollingUpdate');
    causes.push(...validatePositiveIntOrPercent(ru.maxUnavailable, at(p, 'maxUnavailable')));
    causes.push(...validatePositiveIntOrPercent(ru.maxSurge, at(p, 'maxSurge')));
    if (intOrPercentValue(ru.maxUnavailable ?? 0) === 0 && intOrPercentValue(ru.maxSurge ?? 0) === 0) {
      causes.push(fieldInvalid(at(p, 'maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
    }
    causes.push(...isNotMoreThan100Percent(ru.maxUnavailable, at(p, 'maxUnavailable')));
  }
  return causes;
}

function validateDeployment(d: Deployment): StatusCause[] {
  const spec = d.spec;
  const causes = validateCounts(spec, ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds'], 'spec');
  causes.push(...validateSelectorSyntax(spec.selector, 'spec.selector'));
  causes.push(...validateSelectorAndTemplate(spec.selector, spec.template, 'deployment'));
  causes.push(...validatePodTemplate(spec.template, 'spec.template', { restartPolicies: ['Always'], forbidActiveDeadline: 'Deployment' }));
  causes.push(...validateStrategy(spec.strategy));
  const { progressDeadlineSeconds: pds, minReadySeconds: mrs } = spec;
  if (pds !== undefined && pds <= (mrs ?? 0)) {
    causes.push(fieldInvalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return causes;
}

export const deploymentKind = defineKind<Deployment>({
  type: resources.deployments,
  schema: DeploymentSchema,
  defaults: setDeploymentDefaults,
  validate: validateDeployment,
  validateUpdate: (d, old) => validateSelectorImmutable(d.spec.selector, old.spec.selector),
  validateStatusUpdate: validateDeploymentStatusUpdate,
});
