// Unknown fields against a kind's zod schema, for `fieldValidation` (Strict | Warn | Ignore):
// Kubernetes rejects them under Strict with a 400 (`strict decoding error: unknown field
// "spec.replica"`), sends a `Warning: 299 - "unknown field \"spec.replica\""` header each
// under Warn (the default), and drops them silently under Ignore. Paths are printed as
// Kubernetes does: `spec.template.spec.containers[0].imagee`. Schemas typed `unknown`
// (arbitrary JSON) accept anything below them.

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

/** Paths of fields in `value` that `schema` does not declare. */
export function findUnknownFields(schema: z.ZodType, value: unknown, path = '', out: string[] = []): string[] {
  const s = unwrap(schema);
  const def = defOf(s);
  switch (def.type) {
    case 'object':
      if (!isMap(value)) return out;
      for (const [k, v] of Object.entries(value)) {
        const field = path ? `${path}.${k}` : k;
        const child = def.shape?.[k];
        if (!child) out.push(field);
        else findUnknownFields(child, v, field, out);
      }
      return out;
    case 'array':
      if (Array.isArray(value) && def.element) value.forEach((v, i) => findUnknownFields(def.element!, v, `${path}[${i}]`, out));
      return out;
    case 'record':
      if (isMap(value) && def.valueType) for (const [k, v] of Object.entries(value)) findUnknownFields(def.valueType, v, path ? `${path}.${k}` : k, out);
      return out;
    case 'union': {
      // the first branch that fits the value's shape decides
      const branch = (def.options ?? []).find((o) => {
        const t = defOf(unwrap(o)).type;
        return (t === 'object' && isMap(value)) || (t === 'array' && Array.isArray(value));
      });
      if (branch) findUnknownFields(branch, value, path, out);
      return out;
    }
    default:
      return out;
  }
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

/** Remove the unknown fields (what Ignore and Warn store), in place. */
export function dropUnknownFields(obj: unknown, unknown: readonly string[]): void {
  for (const path of unknown) {
    const parts = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
    let parent: unknown = obj;
    for (const part of parts.slice(0, -1)) {
      if (parent === null || typeof parent !== 'object') break;
      parent = part.startsWith('[') ? (parent as unknown[])[Number(part.slice(1, -1))] : (parent as Record<string, unknown>)[part];
    }
    const last = parts[parts.length - 1];
    if (last && isMap(parent)) delete parent[last];
  }
}
