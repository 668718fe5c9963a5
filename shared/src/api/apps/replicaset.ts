// ReplicaSet (apps/v1): keeps a number of identical pods running. Default replicas 1.
// Validation: selector matches template labels and is immutable, template restartPolicy
// Always; status writes: workload-status.ts. Field selector: status.replicas.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ConditionSchema } from '../common/conditions.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { int, obj, opt, typeMetaShape } from '../common/schema.ts';
import { LabelSelectorSchema } from '../common/selector.ts';
import { PodTemplateSpecSchema, setPodTemplateDefaults, validatePodTemplate, validateSelectorAndTemplate } from '../core/pod-template.ts';
import { resources } from '../resources.ts';
import { validateCounts, validateSelectorImmutable, validateSelectorSyntax } from './workload.ts';
import { validateReplicaSetStatusUpdate } from './workload-status.ts';

export const ReplicaSetSpecSchema = obj({
  replicas: opt(int(), 'Number of desired pods (default 1).'),
  minReadySeconds: opt(int(), 'Seconds a new pod must be ready to count as available.'),
  selector: LabelSelectorSchema.describe('Label query over the pods to count; must match the template labels; immutable.'),
  template: opt(PodTemplateSpecSchema, 'The pods created when too few exist; its restartPolicy must be Always.'),
});

export const ReplicaSetStatusSchema = obj({
  replicas: int().describe('Most recently observed number of pods.'),
  fullyLabeledReplicas: opt(int(), 'Pods whose labels match the template labels.'),
  readyReplicas: opt(int(), 'Pods with a Ready condition.'),
  availableReplicas: opt(int(), 'Pods ready for at least minReadySeconds.'),
  terminatingReplicas: opt(int(), 'Pods being deleted.'),
  observedGeneration: opt(int(), 'The generation the controller last acted on.'),
  conditions: opt(z.array(ConditionSchema), 'ReplicaFailure when pods cannot be created or deleted.'),
});

export const ReplicaSetSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(ReplicaSetSpecSchema, 'The desired behavior of the ReplicaSet.'),
  status: opt(ReplicaSetStatusSchema, 'The most recently observed status of the ReplicaSet.'),
});
export type ReplicaSet = z.infer<typeof ReplicaSetSchema>;

export function setReplicaSetDefaults(rs: ReplicaSet): void {
  if (!rs.spec) return;
  rs.spec.replicas ??= 1;
  setPodTemplateDefaults(rs.spec.template);
}

function validateReplicaSet(rs: ReplicaSet): StatusCause[] {
  const spec = rs.spec;
  if (!spec) return [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' }];
  const causes = validateCounts(spec, ['replicas', 'minReadySeconds'], 'spec');
  causes.push(...validateSelectorSyntax(spec.selector, 'spec.selector'));
  causes.push(...validateSelectorAndTemplate(spec.selector, spec.template, 'deployment'));
  if (spec.template) {
    causes.push(...validatePodTemplate(spec.template, 'spec.template', { restartPolicies: ['Always'], forbidActiveDeadline: 'ReplicaSet' }));
  }
  return causes;
}

export const replicaSetKind = defineKind<ReplicaSet>({
  type: resources.replicasets,
  schema: ReplicaSetSchema,
  defaults: setReplicaSetDefaults,
  validate: validateReplicaSet,
  validateUpdate: (rs, old) => validateSelectorImmutable(rs.spec?.selector, old.spec?.selector),
  validateStatusUpdate: validateReplicaSetStatusUpdate,
  fields: (rs) => ({ 'status.replicas': String(rs.status?.replicas ?? 0) }),
});
