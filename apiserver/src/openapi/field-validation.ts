// Unknown fields against a kind's zod schema, for `fieldValidation` (Strict | Warn | Ignore):
// Kubernetes rejects them under Strict with a 400 (`strict decoding error: unknown field
// "spec.replica"`), sends a `Warning: 299 - "unknown field \"spec.replica\""` header each
// under Warn (the default), and drops them silently under Ignore. Paths are printed as
// Kubernetes does: `spec.template.spec.containers[0].imagee`. Schemas typed `unknown`
// (arbitrary JSON) and objects declared with no fields (kubesim's placeholder for a
// struct it does not model, e.g. seLinuxOptions) accept anything below them.
// The same walk finds empty maps (`labels: {}`, `nodeSelector: {}`): Kubernetes decodes a
// body into Go structs whose map fields are `omitempty`, so an empty map is not stored, and
// a patch that only empties a map changes nothing ("patched (no change)"). Maps of
// arbitrary JSON (managedFields' fieldsV1, a struct in Go) are kept.

import { badRequest, type ApiError, type ResourceType } from '@kubesim/shared';
import type { z } from 'zod';
import { unwrap } from './schemas.ts';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** a schema reduced to what the walk needs, made once per schema (writes are hot) */
type Node =
  | { t: 'object'; fields: Map<string, z.ZodType> }
  | { t: 'array'; element: z.ZodType }
  | { t: 'record'; value: z.ZodType; omitEmpty: boolean }
  | { t: 'union'; objectBranch?: z.ZodType; arrayBranch?: z.ZodType }
  | { t: 'any' };
const nodes = new WeakMap<z.ZodType, Node>();

function nodeOf(schema: z.ZodType): Node {
  let n = nodes.get(schema);
  if (n) return n;
  const def = defOf(unwrap(schema));
  const branch = (want: string): z.ZodType | undefined => (def.options ?? []).find((o) => defOf(unwrap(o)).type === want);
  switch (def.type) {
    case 'object':
      // an object declaring no fields stands for a struct kubesim does not model: anything goes
      n = def.shape && Object.keys(def.shape).length ? { t: 'object', fields: new Map(Object.entries(def.shape)) } : { t: 'any' };
      break;
    case 'array':
      n = def.element ? { t: 'array', element: def.element } : { t: 'any' };
      break;
    case 'record':
      n = def.valueType ? { t: 'record', value: def.valueType, omitEmpty: defOf(unwrap(def.valueType)).type !== 'unknown' } : { t: 'any' };
      break;
    case 'union': {
      // the first branch that fits the value's shape decides
      const u: Node = { t: 'union' };
      const o = branch('object');
      const a = branch('array');
      if (o) u.objectBranch = o;
      if (a) u.arrayBranch = a;
      n = u;
      break;
    }
    default:
      n = { t: 'any' };
  }
  nodes.set(schema, n);
  return n;
}

/** a path as segments: field names and list indexes */
export type FieldPath = ReadonlyArray<string | number>;

/** what the walk finds: fields the schema lacks, and empty maps that are not stored */
interface Found {
  unknown: FieldPath[];
  empty: FieldPath[];
}

/** an empty `{}` under a map field that Kubernetes leaves out when empty */
function isEmptyMap(schema: z.ZodType, value: Record<string, unknown>): boolean {
  for (const _ in value) return false;
  const n = nodeOf(schema);
  return n.t === 'record' && n.omitEmpty;
}

function walk(schema: z.ZodType, value: unknown, path: Array<string | number>, out: Found): void {
  const n = nodeOf(schema);
  switch (n.t) {
    case 'object':
      if (!isMap(value)) return;
      for (const k in value) {
        const child = n.fields.get(k);
        const v = value[k];
        path.push(k);
        if (!child) out.unknown.push(path.slice());
        else if (isMap(v) && isEmptyMap(child, v)) out.empty.push(path.slice());
        else if (v !== null && typeof v === 'object') walk(child, v, path, out);
        path.pop();
      }
      return;
    case 'array':
      if (!Array.isArray(value)) return;
      for (let i = 0; i < value.length; i++) {
        if (value[i] === null || typeof value[i] !== 'object') continue;
        path.push(i);
        walk(n.element, value[i], path, out);
        path.pop();
      }
      return;
    case 'record':
      if (!isMap(value)) return;
      for (const k in value) {
        if (value[k] === null || typeof value[k] !== 'object') continue;
        path.push(k);
        walk(n.value, value[k], path, out);
        path.pop();
      }
      return;
    case 'union': {
      const b = isMap(value) ? n.objectBranch : Array.isArray(value) ? n.arrayBranch : undefined;
      if (b) walk(b, value, path, out);
      return;
    }
    default:
      return;
  }
}

/** Paths (as segments) of fields in `value` that `schema` does not declare. */
export function findUnknownFieldPaths(schema: z.ZodType, value: unknown): FieldPath[] {
  return scanFields(schema, value).unknown;
}

/** Paths (as segments) of the fields `schema` does not declare, and of the empty maps that
 *  Kubernetes would not store. */
export function scanFields(schema: z.ZodType, value: unknown): Found {
  const out: Found = { unknown: [], empty: [] };
  walk(schema, value, [], out);
  return out;
}

/** A path as Kubernetes prints it: `spec.template.spec.containers[0].imagee`. */
export function formatFieldPath(path: FieldPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

/** Paths of fields in `value` that `schema` does not declare, as Kubernetes prints them. */
export function findUnknownFields(schema: z.ZodType, value: unknown): string[] {
  return findUnknownFieldPaths(schema, value).map(formatFieldPath);
}

/** The 400 Kubernetes answers under fieldValidation=Strict. */
export function strictDecodingError(type: Pick<ResourceType, 'kind' | 'version'>, unknown: readonly string[]): ApiError {
  const list = unknown.map((p) => `unknown field "${p}"`).join(', ');
  return badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${list}`);
}

/** `Warning` header values under fieldValidation=Warn (one per unknown field). */
export function unknownFieldWarnings(unknown: readonly string[]): string[] {
  return unknown.map((p) => `299 - ${JSON.stringify(`unknown field "${p}"`)}`);
}

/** Remove the unknown fields (what Ignore and Warn store), in place. Paths may be given as
 *  segments (exact, even for keys holding dots) or as printed strings. */
export function dropUnknownFields(obj: unknown, unknown: ReadonlyArray<string | FieldPath>): void {
  for (const path of unknown) {
    const parts: FieldPath = typeof path === 'string' ? (path.match(/[^.[\]]+|\[\d+\]/g) ?? []).map((p) => (p.startsWith('[') ? Number(p.slice(1, -1)) : p)) : path;
    let parent: unknown = obj;
    for (const part of parts.slice(0, -1)) {
      if (parent === null || typeof parent !== 'object') break;
      parent = (parent as Record<string | number, unknown>)[part];
    }
    const last = parts[parts.length - 1];
    if (typeof last === 'string' && isMap(parent)) delete parent[last];
  }
}
