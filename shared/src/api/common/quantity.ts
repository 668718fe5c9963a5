// The schema of resource quantities and resource lists (`{ cpu: '500m', memory: '1Gi' }`)
// and their validation with Kubernetes' messages. JSON numbers are accepted as Kubernetes
// accepts them (`cpu: 1`); parse with `parseQuantity` from shared/src/meta/quantity.ts.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { tryParseQuantity, QUANTITY_FORMAT_MESSAGE } from '../../meta/quantity.ts';
import { fieldInvalid, key, type FieldPath } from '../validation/field.ts';
import { isQualifiedName } from '../validation/names.ts';

export const QuantitySchema = z
  .union([z.string(), z.number()])
  .describe('A quantity such as `500m`, `2`, `128Mi` or `1G`.');
export type QuantityValue = z.infer<typeof QuantitySchema>;

export const ResourceListSchema = z.record(z.string(), QuantitySchema);
export type ResourceList = z.infer<typeof ResourceListSchema>;

/** each key a qualified name, each value a parseable, non-negative quantity */
export function validateResourceList(list: ResourceList | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [name, value] of Object.entries(list ?? {})) {
    const p = key(path, name);
    for (const m of isQualifiedName(name)) causes.push(fieldInvalid(p, name, m));
    const q = tryParseQuantity(value);
    if (!q) causes.push(fieldInvalid(p, value, QUANTITY_FORMAT_MESSAGE));
    else if (q.sign() < 0) causes.push(fieldInvalid(p, value, 'must be greater than or equal to 0'));
  }
  return causes;
}
