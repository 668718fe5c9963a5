// PriorityClass (scheduling.k8s.io/v1): maps a name to a pod priority. Default
// preemptionPolicy PreemptLowerPriority. Names starting with `system-` are reserved;
// user classes may not exceed 1000000000; value and preemptionPolicy never change.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { bool, int, obj, opt, str, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { fieldForbidden, fieldInvalid, validateEnum } from '../validation/field.ts';

export const PriorityClassSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  value: int().describe('The priority pods of this class get; higher is more important.'),
  globalDefault: opt(bool(), 'Whether pods without a priorityClassName get this class.'),
  description: opt(str(), 'When this class should be used.'),
  preemptionPolicy: opt(str(), 'PreemptLowerPriority (default) or Never.'),
});
export type PriorityClass = z.infer<typeof PriorityClassSchema>;

export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};
const HIGHEST_USER_PRIORITY = 1000000000;

function validatePriorityClass(pc: PriorityClass): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = pc.metadata.name ?? '';
  const system = SYSTEM_PRIORITY_CLASSES[name];
  if (system !== undefined) {
    if (pc.value !== system) causes.push(fieldInvalid('value', pc.value, `value of ${name} must be ${system}`));
  } else {
    if (name.startsWith('system-')) causes.push(fieldInvalid('metadata.name', name, "priority class names with 'system-' prefix are reserved"));
    if (pc.value > HIGHEST_USER_PRIORITY) causes.push(fieldForbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`));
  }
  causes.push(...validateEnum(pc.preemptionPolicy, ['Never', 'PreemptLowerPriority'], 'preemptionPolicy'));
  return causes;
}

export const priorityClassKind = defineKind<PriorityClass>({
  type: resources.priorityclasses,
  schema: PriorityClassSchema,
  defaults(pc) {
    pc.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate: validatePriorityClass,
  validateUpdate: (pc, old) => [
    ...(pc.value !== old.value ? [fieldForbidden('value', 'may not be changed in an update.')] : []),
    ...(pc.preemptionPolicy !== old.preemptionPolicy ? [fieldInvalid('preemptionPolicy', pc.preemptionPolicy ?? '', 'field is immutable')] : []),
  ],
});
