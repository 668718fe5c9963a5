// Eviction (policy/v1): the body of POST pods/<name>/eviction, a pod deletion that honors
// PodDisruptionBudgets. Not stored; the apiserver checks budgets then deletes the pod with
// the given DeleteOptions. metadata.name must match the pod's name.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { obj, opt, typeMetaShape } from '../common/schema.ts';
import { DeleteOptionsSchema } from '../meta/v1.ts';
import { fieldInvalid } from '../validation/field.ts';

export const EvictionSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  deleteOptions: opt(DeleteOptionsSchema, 'Options for the deletion of the pod.'),
});
export type Eviction = z.infer<typeof EvictionSchema>;

export function validateEviction(e: Eviction, podName: string): StatusCause[] {
  return e.metadata.name && e.metadata.name !== podName
    ? [fieldInvalid('metadata.name', e.metadata.name, 'name in URL does not match name in Eviction object')]
    : [];
}
