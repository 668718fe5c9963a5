// Rules the apps/v1 workloads share: replica and history counts non-negative, the
// IntOrString rolling-update bounds (`25%` or `1`, not both zero), and the immutable
// selector. Messages follow pkg/apis/apps/validation.

import type { StatusCause } from '../../errors.ts';
import type { IntOrString } from '../common/intorstring.ts';
import { validateLabelSelector, type LabelSelector } from '../common/selector.ts';
import { at, fieldInvalid, validateImmutableField, validateNonnegative, type FieldPath } from '../validation/field.ts';
import { isValidPercent } from '../validation/names.ts';


/** non-negative integer or a valid percentage string */
export function validatePositiveIntOrPercent(v: IntOrString | undefined, path: FieldPath): StatusCause[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return isValidPercent(v).map((m) => fieldInvalid(path, v, m));
  return validateNonnegative(v, path);
}

/** the value of an IntOrString as a number (`25%` → 25), or undefined if not parseable */
export function intOrPercentValue(v: IntOrString | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  return isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : undefined;
}

export function isNotMoreThan100Percent(v: IntOrString | undefined, path: FieldPath): StatusCause[] {
  if (typeof v !== 'string') return [];
  const n = intOrPercentValue(v);
  return n !== undefined && n > 100 ? [fieldInvalid(path, v, 'must not be greater than 100%')] : [];
}

export function validateCounts(spec: Record<string, unknown>, fields: readonly string[], path: FieldPath): StatusCause[] {
  return fields.flatMap((f) => {
    const v = spec[f];
    return typeof v === 'number' ? validateNonnegative(v, at(path, f)) : [];
  });
}

export function validateSelectorSyntax(sel: LabelSelector | undefined, path: FieldPath): StatusCause[] {
  return validateLabelSelector(sel, path);
}

export function validateSelectorImmutable(sel: LabelSelector | undefined, old: LabelSelector | undefined, path: FieldPath = 'spec.selector'): StatusCause[] {
  return validateImmutableField(sel, old, path);
}
