// `defineKind` builds a KindDefinition from a kind's parts, adding what every kind shares:
// JSON nulls dropped (Go decodes `null` as "unset"), schema type errors turned into causes
// (`spec.replicas: Invalid value: "abc": must be of type integer`), ObjectMeta checks by the
// kind's name rule, and defaulting only on well-typed objects (so it never crashes on
// input the validator will reject). Kind validators may assume the schema passed. A write
// checks types once (type-check.ts, else zod): setDefaults reports it, validate trusts it;
// an update's old object is checked too, unless the caller vouches for it (oldWellTyped).
// A status write of a kind with a status validator checks ObjectMeta's update rules and the
// kind's status rules only (validateStatusUpdate); other kinds check it as any update.

import type { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import type { KindDefinition } from '../kind.ts';
import type { KubeObject } from '../meta.ts';
import type { ResourceType } from '../resources.ts';
import { fieldInvalid, fieldRequired } from '../validation/field.ts';
import { nameIsDNSSubdomain } from '../../meta/names.ts';
import { validateObjectMeta, validateObjectMetaUpdate, type NameValidator } from './object-meta.ts';
import { typeCheckerFor, type TypeCheck } from './type-check.ts';
import { rememberingValid } from '../validation/names.ts';

export interface KindParts<T extends KubeObject> {
  type: ResourceType<T>;
  schema: z.ZodType<T>;
  /** metadata.name rule; DNS subdomain unless given */
  nameRule?: NameValidator;
  defaults?: (obj: T) => void;
  /** kind-specific checks of a well-typed object (metadata is checked already) */
  validate?: (obj: T) => StatusCause[];
  /** kind-specific update checks (validate(obj) has run already) */
  validateUpdate?: (obj: T, old: T) => StatusCause[];
  /** the kind's checks of a status write (Kubernetes' `Validate<Kind>StatusUpdate` without
   *  its ObjectMeta part), in place of validate and validateUpdate: the status write's spec
   *  is the stored one, so it is not checked again */
  validateStatusUpdate?: (obj: T, old: T) => StatusCause[];
  fields?: (obj: T) => Record<string, string>;
}

export function defineKind<T extends KubeObject>(parts: KindParts<T>): KindDefinition<T> {
  const { type, schema } = parts;
  const nameRule = rememberingValidNames(parts.nameRule ?? nameIsDNSSubdomain);
  // the schema check without zod's output copy; zod decides (and explains) what it cannot vouch for
  let fastCheck: TypeCheck | null | undefined;
  const surelyWellTyped = (o: unknown): boolean => {
    if (fastCheck === undefined) fastCheck = typeCheckerFor(schema) ?? null;
    return fastCheck !== null && fastCheck(o);
  };
  const passesSchema = (o: unknown): boolean => surelyWellTyped(o) || schema.safeParse(o).success;
  const typeCausesOf = (o: unknown): StatusCause[] => (surelyWellTyped(o) ? [] : schemaCauses(schema, o));
  const validateNew = (o: T): StatusCause[] => [
    ...validateObjectMeta(o.metadata, type.namespaced, nameRule),
    ...(parts.validate?.(o) ?? []),
  ];
  // `obj` ready for the kind's checks (setDefaults dropped the nulls of an object it found
  // well-typed), or the type errors that stop them
  const typed = (obj: T, wellTyped: boolean): T | StatusCause[] => {
    if (wellTyped) return obj;
    const o = withoutNulls(obj);
    const typeCauses = typeCausesOf(o);
    return typeCauses.length ? typeCauses : o;
  };
  // `old` for the kind's update checks, which may assume it well-typed; undefined when it is
  // not (stored by another version, or written around the registry)
  const typedOld = (old: T, oldWellTyped: boolean): T | undefined => {
    if (oldWellTyped) return old;
    const prev = withoutNulls(old);
    return passesSchema(prev) ? prev : undefined;
  };
  const validateUpdate = (obj: T, old: T, wellTyped = false, oldWellTyped = false): StatusCause[] => {
    const o = typed(obj, wellTyped);
    if (Array.isArray(o)) return o;
    const causes = [...validateObjectMetaUpdate(o.metadata, old.metadata ?? {}), ...validateNew(o)];
    if (!parts.validateUpdate) return causes;
    // (an old object that is not well-typed skips the kind's update checks)
    const prev = typedOld(old, oldWellTyped);
    if (prev) causes.push(...parts.validateUpdate(o, prev));
    return causes;
  };
  return {
    type,
    schema,
    setDefaults(obj: T, checked: unknown = obj): boolean {
      if (hasNullMember(checked)) dropNulls(obj);
      // (a part that fails may only lack a required member the caller vouched for)
      if (!(surelyWellTyped(checked) || passesSchema(obj))) return false;
      parts.defaults?.(obj);
      return true;
    },
    validate(obj: T, wellTyped = false): StatusCause[] {
      const o = typed(obj, wellTyped);
      return Array.isArray(o) ? o : validateNew(o);
    },
    validateUpdate,
    validateStatusUpdate(obj: T, old: T, wellTyped = false, oldWellTyped = false): StatusCause[] {
      const statusUpdate = parts.validateStatusUpdate;
      if (!statusUpdate) return validateUpdate(obj, old, wellTyped, oldWellTyped);
      const o = typed(obj, wellTyped);
      if (Array.isArray(o)) return o;
      const causes = validateObjectMetaUpdate(o.metadata, old.metadata ?? {});
      // an old object that is not well-typed is no base for the transition checks: the new
      // object's own checks still run, against itself
      causes.push(...statusUpdate(o, typedOld(old, oldWellTyped) ?? o));
      return causes;
    },
    selectableFields(obj: T): Record<string, string> {
      return parts.fields?.(obj) ?? {};
    },
  };
}

/** a kind's name rule remembering the names (not generateName prefixes) it found valid:
 *  each update of an object checks the same name again */
function rememberingValidNames(rule: NameValidator): NameValidator {
  const validName = rememberingValid((name) => rule(name, false));
  return (name, prefix) => (prefix ? rule(name, true) : validName(name));
}

/** remove `null` members of objects, in place (Go decodes them as unset) */
export function dropNulls(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) dropNulls(x);
  } else if (v !== null && typeof v === 'object') {
    const r = v as Record<string, unknown>;
    for (const k of Object.keys(r)) {
      if (r[k] === null) delete r[k];
      else dropNulls(r[k]);
    }
  }
}

function hasNullMember(v: unknown): boolean {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (hasNullMember(v[i])) return true;
    return false;
  }
  if (v !== null && typeof v === 'object') {
    const r = v as Record<string, unknown>;
    for (const k in r) {
      const x = r[k];
      if (x === null || (typeof x === 'object' && hasNullMember(x))) return true;
    }
  }
  return false;
}

function withoutNulls<T>(obj: T): T {
  if (!hasNullMember(obj)) return obj;
  const copy = structuredClone(obj);
  dropNulls(copy);
  return copy;
}

// ---- zod issues → StatusCauses ----

interface IssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  errors?: IssueLike[][];
}

const TYPE_NAMES: Record<string, string> = { number: 'integer', int: 'integer', string: 'string', boolean: 'boolean', object: 'object', record: 'object', array: 'array' };

function pathString(path: readonly PropertyKey[]): string {
  let p = '';
  for (const part of path) {
    if (typeof part === 'number') p += `[${part}]`;
    else p = p ? `${p}.${String(part)}` : String(part);
  }
  return p;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const part of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[part];
  }
  return v;
}

function expectedOf(issue: IssueLike): string[] {
  if (issue.code === 'invalid_type' && issue.expected) return [TYPE_NAMES[issue.expected] ?? issue.expected];
  if (issue.code === 'invalid_union' && issue.errors) {
    return issue.errors.flatMap((branch) => (branch[0] && branch[0].path.length === 0 ? expectedOf(branch[0]) : []));
  }
  return [];
}

/** the schema's complaints as Kubernetes-style causes, one per field */
export function schemaCauses(schema: z.ZodType, obj: unknown): StatusCause[] {
  const result = schema.safeParse(obj);
  if (result.success) return [];
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues as unknown as IssueLike[]) {
    const field = pathString(issue.path);
    if (seen.has(field)) continue;
    seen.add(field);
    const value = valueAt(obj, issue.path);
    if (value === undefined) {
      causes.push(fieldRequired(field));
      continue;
    }
    const expected = [...new Set(expectedOf(issue))];
    const detail = expected.length ? `must be of type ${expected.join(' or ')}` : issue.message;
    causes.push(fieldInvalid(field, value, detail));
  }
  return causes;
}
