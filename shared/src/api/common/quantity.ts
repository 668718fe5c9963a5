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

type QuantityCheck = 'ok' | 'unparseable' | 'negative';

/** what validation makes of a quantity value, remembered: every pod write repeats the same
 *  few (`100m`, `64Mi`), and parsing is exact bigint arithmetic. Bounded: reset when full. */
const checked = new Map<string | number, QuantityCheck>();

function checkQuantity(value: string | number): QuantityCheck {
  let c = checked.get(value);
  if (c === undefined) {
    const q = tryParseQuantity(value);
    c = !q ? 'unparseable' : q.sign() < 0 ? 'negative' : 'ok';
    if (checked.size >= 1024) checked.clear();
    checked.set(value, c);
  }
  return c;
}

/** each key a qualified name, each value a parseable, non-negative quantity */
export function validateResourceList(list: ResourceList | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!list) return causes;
  for (const name of Object.keys(list)) {
    const value = list[name]!;
    const nameErrors = isQualifiedName(name);
    const c = checkQuantity(value);
    if (nameErrors.length === 0 && c === 'ok') continue;
    const p = key(path, name);
    for (const m of nameErrors) causes.push(fieldInvalid(p, name, m));
    if (c === 'unparseable') causes.push(fieldInvalid(p, value, QUANTITY_FORMAT_MESSAGE));
    else if (c === 'negative') causes.push(fieldInvalid(p, value, 'must be greater than or equal to 0'));
  }
  return causes;
}
