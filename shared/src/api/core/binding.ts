// Binding (core/v1): the body of POST pods/<name>/binding, by which the scheduler assigns a
// pod to a node (target.kind Node, target.name the node). Not stored; the apiserver sets
// the pod's spec.nodeName from it. `validateBinding` checks the target as Kubernetes does.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { ObjectReferenceSchema } from '../common/object-reference.ts';
import { obj, typeMetaShape } from '../common/schema.ts';
import { fieldNotSupported, fieldRequired } from '../validation/field.ts';

export const BindingSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  target: ObjectReferenceSchema.describe('The object to bind to: a Node (kind Node, name the node name).'),
});
export type Binding = z.infer<typeof BindingSchema>;

export function validateBinding(b: Binding): StatusCause[] {
  const causes: StatusCause[] = [];
  if (b.target.kind !== undefined && b.target.kind !== '' && b.target.kind !== 'Node') {
    causes.push(fieldNotSupported('target.kind', b.target.kind, ['Node', '<empty>']));
  }
  if (!b.target.name) causes.push(fieldRequired('target.name'));
  return causes;
}
