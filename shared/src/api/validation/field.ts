// Field errors as Kubernetes reports them (k8s.io/apimachinery/pkg/util/validation/field):
// each is a StatusCause with a reason (`FieldValueInvalid`, ...), a field path
// (`spec.containers[0].image`) and a message body (`Invalid value: -1: must be ...`).
// `fmtValue` prints values roughly as Go's %#v does (strings quoted, maps as
// `map[string]string{...}`); other structs are printed as JSON (a simplification).

import type { StatusCause } from '../../errors.ts';

export type FieldPath = string;

/** `at('spec', 'containers', 0, 'name')` → `spec.containers[0].name` */
export function at(base: FieldPath, ...parts: (string | number)[]): FieldPath {
  let p = base;
  for (const part of parts) {
    if (typeof part === 'number') p = `${p}[${part}]`;
    else p = p ? `${p}.${part}` : part;
  }
  return p;
}

/** a map key in a path: `spec.containers[0].resources.limits[cpu]` */
export function key(base: FieldPath, k: string): FieldPath {
  return `${base}[${k}]`;
}

function isPlainStringMap(v: object): v is Record<string, string> {
  const values = Object.values(v);
  return !Array.isArray(v) && values.length > 0 && values.every((x) => typeof x === 'string');
}

/** a value as Kubernetes prints it in `Invalid value: <value>` */
export function fmtValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  }
  if (typeof v === 'object' && isPlainStringMap(v)) {
    const keys = Object.keys(v).sort();
    return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(v[k])}`).join(', ')}}`;
  }
  return JSON.stringify(v);
}

const withDetail = (head: string, detail?: string): string => (detail ? `${head}: ${detail}` : head);

export function fieldRequired(field: FieldPath, detail?: string): StatusCause {
  return { reason: 'FieldValueRequired', message: withDetail('Required value', detail), field };
}

export function fieldInvalid(field: FieldPath, value: unknown, detail?: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: withDetail(`Invalid value: ${fmtValue(value)}`, detail), field };
}

export function fieldNotSupported(field: FieldPath, value: unknown, supported: readonly string[]): StatusCause {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return {
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${fmtValue(value)}${supported.length ? `: supported values: ${list}` : ''}`,
    field,
  };
}

export function fieldForbidden(field: FieldPath, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', message: withDetail('Forbidden', detail), field };
}

export function fieldDuplicate(field: FieldPath, value: unknown): StatusCause {
  return { reason: 'FieldValueDuplicate', message: `Duplicate value: ${fmtValue(value)}`, field };
}

export function fieldNotFound(field: FieldPath, value: unknown): StatusCause {
  return { reason: 'FieldValueNotFound', message: `Not found: ${fmtValue(value)}`, field };
}

export function fieldTooLong(field: FieldPath, maxBytes: number): StatusCause {
  return { reason: 'FieldValueTooLong', message: `Too long: may not be more than ${maxBytes} bytes`, field };
}

export function fieldTooMany(field: FieldPath, actual: number, max: number): StatusCause {
  return { reason: 'FieldValueTooMany', message: `Too many: ${actual}: must have at most ${max} items`, field };
}

/** `Invalid value: <new>: field is immutable` when `value` differs from `old` (deep) */
export function validateImmutableField(value: unknown, old: unknown, field: FieldPath): StatusCause[] {
  return deepEqual(value, old) ? [] : [fieldInvalid(field, value, 'field is immutable')];
}

/** (whether a key is one of Object.keys' of an object) */
const isOwnEnumerable = Object.prototype.propertyIsEnumerable;

/** structural equality of JSON values; an absent key equals an undefined one */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  // the keys of both, each once, in that order (a's, then b's others), without a set of them
  const ka = Object.keys(ra);
  for (let i = 0; i < ka.length; i++) if (!deepEqual(ra[ka[i]!], rb[ka[i]!])) return false;
  const kb = Object.keys(rb);
  for (let i = 0; i < kb.length; i++) {
    const k = kb[i]!;
    if (!isOwnEnumerable.call(ra, k) && !deepEqual(ra[k], rb[k])) return false;
  }
  return true;
}

// ---- number checks with Kubernetes' messages ----

export function validateNonnegative(value: number | undefined, field: FieldPath): StatusCause[] {
  return value !== undefined && value < 0 ? [fieldInvalid(field, value, 'must be greater than or equal to 0')] : [];
}

export function validatePositive(value: number | undefined, field: FieldPath): StatusCause[] {
  return value !== undefined && value <= 0 ? [fieldInvalid(field, value, 'must be greater than 0')] : [];
}

export function validatePortNumber(value: number, field: FieldPath): StatusCause[] {
  return value < 1 || value > 65535 ? [fieldInvalid(field, value, 'must be between 1 and 65535, inclusive')] : [];
}

/** NotSupported unless `value` is unset or one of `allowed` */
export function validateEnum(value: string | undefined, allowed: readonly string[], field: FieldPath): StatusCause[] {
  return value === undefined || allowed.includes(value) ? [] : [fieldNotSupported(field, value, allowed)];
}
