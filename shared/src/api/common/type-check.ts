// A fast "surely well-typed" test for the kind schemas, for the write path: it walks a
// value along the schema without building zod's output (every write checks its object
// once, and zod's parse copies the whole object). `typeCheckerFor(schema)` gives a predicate
// whose `true` means zod's safeParse succeeds too; `false` means "ask zod" (which then also
// finds the issues). Only the zod vocabulary of schema.ts is understood (loose objects,
// exact-optional fields, strings, safe integers, numbers, booleans, arrays, string-keyed
// records, unions, enums, literals, unknown); a schema using anything else gets no checker.

import type { z } from 'zod';

export type TypeCheck = (value: unknown) => boolean;

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, unknown>;
  values?: unknown[];
  checks?: Array<{ _zod: { def: { check?: string; format?: string } } }>;
  coerce?: boolean;
  mode?: string;
}

interface Internals {
  def: Def;
  traits: Set<string>;
}

const internals = (s: z.ZodType): Internals => (s as unknown as { _zod: Internals })._zod;

/** the def keys each understood type may have; anything more (a discriminator, a mode, a
 *  coercion) is not understood */
const ALLOWED_KEYS: Record<string, readonly string[]> = {
  string: ['type', 'checks', 'coerce'],
  number: ['type', 'checks', 'coerce'],
  boolean: ['type', 'checks', 'coerce'],
  unknown: ['type'],
  enum: ['type', 'entries'],
  literal: ['type', 'values'],
  array: ['type', 'element', 'checks'],
  record: ['type', 'keyType', 'valueType', 'checks'],
  object: ['type', 'shape', 'catchall', 'checks'],
  optional: ['type', 'innerType'],
  union: ['type', 'options'],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** an object zod's record accepts for certain: plain (Object.prototype or none, no own
 *  `constructor` function), no symbol keys */
function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.hasOwn(v, 'constructor') && typeof v['constructor'] === 'function') return false;
  return Object.getOwnPropertySymbols(v).length === 0;
}

/** a field of an object: how absence and `undefined` are judged */
interface Field {
  key: string;
  /** absent is fine (optional or exact-optional) */
  optional: boolean;
  /** present with the value `undefined` is fine (plain optional only) */
  undefinedOk: boolean;
  check: TypeCheck;
}

const compiled = new WeakMap<z.ZodType, TypeCheck | null>();

/** the checker of a schema, or undefined when it uses something this file does not know */
export function typeCheckerFor(schema: z.ZodType): TypeCheck | undefined {
  return compile(schema) ?? undefined;
}

function compile(schema: z.ZodType): TypeCheck | null {
  const known = compiled.get(schema);
  if (known !== undefined) return known;
  // a placeholder while compiling, so a schema reached again below gets a late-bound call
  let made: TypeCheck | null = null;
  compiled.set(schema, (v) => made !== null && made(v));
  made = build(schema);
  compiled.set(schema, made);
  return made;
}

function noChecks(def: Def): boolean {
  return def.checks === undefined || def.checks.length === 0;
}

function build(schema: z.ZodType): TypeCheck | null {
  const { def, traits } = internals(schema);
  const allowed = ALLOWED_KEYS[def.type];
  if (!allowed) return null;
  for (const k of Object.keys(def)) {
    if (!allowed.includes(k)) return null;
  }
  if (def.coerce) return null;
  switch (def.type) {
    case 'string':
      return noChecks(def) ? (v) => typeof v === 'string' : null;
    case 'boolean':
      return noChecks(def) ? (v) => typeof v === 'boolean' : null;
    case 'number': {
      if (noChecks(def)) return (v) => typeof v === 'number' && Number.isFinite(v);
      const only = def.checks!.length === 1 ? def.checks![0]!._zod.def : undefined;
      if (only?.check === 'number_format' && only.format === 'safeint') return (v) => typeof v === 'number' && Number.isSafeInteger(v);
      return null;
    }
    case 'unknown':
      return () => true;
    case 'enum': {
      // string values only (a numeric TypeScript enum's entries also map names back)
      const values = Object.values(def.entries ?? {});
      if (values.some((x) => typeof x !== 'string')) return null;
      const set = new Set(values);
      return (v) => set.has(v);
    }
    case 'literal': {
      const values = new Set(def.values ?? []);
      return (v) => values.has(v);
    }
    case 'array': {
      if (!noChecks(def) || !def.element) return null;
      const element = compile(def.element);
      if (!element) return null;
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
    }
    case 'record': {
      if (!noChecks(def) || !def.keyType || !def.valueType) return null;
      const keyDef = internals(def.keyType).def;
      if (keyDef.type !== 'string' || !noChecks(keyDef) || keyDef.coerce || Object.keys(keyDef).some((k) => k !== 'type')) return null;
      const value = compile(def.valueType);
      if (!value) return null;
      return (v) => {
        if (!isPlainRecord(v)) return false;
        // (for-in, no key list: it sees every own key, and would see more, never fewer, if
        // someone gave Object.prototype enumerable members, which can only make it say false)
        for (const k in v) {
          if (k === '__proto__' || !value(v[k])) return false;
        }
        return true;
      };
    }
    case 'object': {
      if (!noChecks(def) || !def.shape) return null;
      if (!def.catchall || internals(def.catchall).def.type !== 'unknown') return null;
      const fields: Field[] = [];
      for (const key of Object.keys(def.shape)) {
        if (key === '__proto__') return null;
        let s = def.shape[key]!;
        const { def: fd, traits: ft } = internals(s);
        let optional = false;
        let undefinedOk = false;
        if (fd.type === 'optional') {
          if (Object.keys(fd).some((k) => k !== 'type' && k !== 'innerType') || !fd.innerType) return null;
          optional = true;
          undefinedOk = !ft.has('$ZodExactOptional');
          s = fd.innerType;
        }
        const check = compile(s);
        if (!check) return null;
        fields.push({ key, optional, undefinedOk, check });
      }
      return (v) => {
        if (!isObject(v)) return false;
        for (const f of fields) {
          if (!(f.key in v)) {
            if (f.optional) continue;
            return false;
          }
          const x = v[f.key];
          if (x === undefined && f.undefinedOk) continue;
          if (!f.check(x)) return false;
        }
        return true;
      };
    }
    case 'optional': {
      if (!def.innerType) return null;
      const inner = compile(def.innerType);
      if (!inner) return null;
      return traits.has('$ZodExactOptional') ? inner : (v) => v === undefined || inner(v);
    }
    case 'union': {
      const options = (def.options ?? []).map(compile);
      if (options.length === 0 || options.some((o) => o === null)) return null;
      const checks = options as TypeCheck[];
      return (v) => {
        for (const c of checks) if (c(v)) return true;
        return false;
      };
    }
    default:
      return null;
  }
}
