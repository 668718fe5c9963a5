// ControllerRevision (apps/v1): an immutable snapshot of a StatefulSet's or DaemonSet's
// template, numbered by `revision`. The data is arbitrary JSON and never changes.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { anyJson, int, obj, opt, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { validateImmutableField, validateNonnegative } from '../validation/field.ts';

export const ControllerRevisionSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  data: opt(anyJson(), 'The serialized state (a patch of the owner\'s template).'),
  revision: int().describe('The revision number this object represents.'),
});
export type ControllerRevision = z.infer<typeof ControllerRevisionSchema>;

export const controllerRevisionKind = defineKind<ControllerRevision>({
  type: resources.controllerrevisions,
  schema: ControllerRevisionSchema,
  validate: (cr): StatusCause[] => validateNonnegative(cr.revision, 'revision'),
  validateUpdate: (cr, old) => validateImmutableField(cr.data, old.data, 'data'),
});
