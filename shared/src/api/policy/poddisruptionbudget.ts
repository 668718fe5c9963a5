// PodDisruptionBudget (policy/v1): how many of a set of pods may be down at once through
// voluntary disruptions (evictions). Exactly one of minAvailable / maxUnavailable, each a
// number or a percentage. The disruption controller fills the status.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { MetaConditionSchema } from '../common/conditions.ts';
import { defineKind } from '../common/define.ts';
import { IntOrStringSchema } from '../common/intorstring.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { int, obj, opt, str, typeMetaShape } from '../common/schema.ts';
import { LabelSelectorSchema, validateLabelSelector } from '../common/selector.ts';
import { resources } from '../resources.ts';
import { fieldInvalid, validateEnum } from '../validation/field.ts';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../apps/workload.ts';

export const PodDisruptionBudgetSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(
    obj({
      minAvailable: opt(IntOrStringSchema, 'Pods that must stay available after an eviction (number or percentage).'),
      maxUnavailable: opt(IntOrStringSchema, 'Pods that may be unavailable after an eviction (number or percentage).'),
      selector: opt(LabelSelectorSchema, 'The pods the budget covers; {} selects all pods in the namespace.'),
      unhealthyPodEvictionPolicy: opt(str(), 'IfHealthyBudget (default) or AlwaysAllow: when running but unready pods may be evicted.'),
    }),
    'The desired budget.',
  ),
  status: opt(
    obj({
      observedGeneration: opt(int()),
      disruptedPods: opt(z.record(z.string(), z.string()), 'Pods being evicted, with the time of the eviction.'),
      disruptionsAllowed: int().describe('How many more pods may be disrupted now.'),
      currentHealthy: int().describe('Healthy covered pods.'),
      desiredHealthy: int().describe('Healthy pods the budget requires.'),
      expectedPods: int().describe('Pods covered by the budget.'),
      conditions: opt(z.array(MetaConditionSchema), 'DisruptionAllowed.'),
    }),
    'The most recently observed status.',
  ),
});
export type PodDisruptionBudget = z.infer<typeof PodDisruptionBudgetSchema>;

function validatePDB(pdb: PodDisruptionBudget): StatusCause[] {
  const spec = pdb.spec ?? {};
  const causes: StatusCause[] = [];
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    causes.push(fieldInvalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const f of ['minAvailable', 'maxUnavailable'] as const) {
    causes.push(...validatePositiveIntOrPercent(spec[f], `spec.${f}`), ...isNotMoreThan100Percent(spec[f], `spec.${f}`));
  }
  causes.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  causes.push(...validateEnum(spec.unhealthyPodEvictionPolicy, ['AlwaysAllow', 'IfHealthyBudget'], 'spec.unhealthyPodEvictionPolicy'));
  return causes;
}

export const podDisruptionBudgetKind = defineKind<PodDisruptionBudget>({
  type: resources.poddisruptionbudgets,
  schema: PodDisruptionBudgetSchema,
  validate: validatePDB,
});
