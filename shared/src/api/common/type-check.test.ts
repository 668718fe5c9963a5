import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeObject } from '../fixtures.ts';
import { kindDefinitions } from '../kinds.ts';
import type { KindDefinition } from '../kind.ts';
import type { ResourceName } from '../resources.ts';
import { typeCheckerFor } from './type-check.ts';

const names = Object.keys(kindDefinitions) as ResourceName[];
const defOf = (r: ResourceName): KindDefinition => kindDefinitions[r] as unknown as KindDefinition;
const zodAccepts = (schema: z.ZodType, v: unknown): boolean => schema.safeParse(v).success;

// ---- values from a schema: valid ones, or with wrong values planted at random ----

type Def = { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType; innerType?: z.ZodType; options?: z.ZodType[]; entries?: Record<string, string>; values?: unknown[]; checks?: unknown[] };
const defOfSchema = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** wrong or borderline values zod judges one by one */
const ODD: unknown[] = [undefined, null, NaN, Infinity, -Infinity, -0, 1.5, 2 ** 60, '', 'x', true, false, [], {}, [undefined], new Date(0), Object.create(null), { a: 1 }, ['a'], 7];

interface Rng {
  next(): number;
}
const pick = <T,>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;

function generate(schema: z.ZodType, rng: Rng, oddness: number, depth = 0): unknown {
  if (rng.next() < oddness) return pick(rng, ODD);
  const def = defOfSchema(schema);
  switch (def.type) {
    case 'string':
      return pick(rng, ['a', 'nginx', '', 'Always']);
    case 'number':
      return def.checks?.length ? pick(rng, [0, 1, 30, -5]) : pick(rng, [0, 0.5, 3]);
    case 'boolean':
      return rng.next() < 0.5;
    case 'unknown':
      return pick(rng, [1, 'v', { a: [1] }, null]);
    case 'enum':
      return pick(rng, Object.values(def.entries ?? {}));
    case 'literal':
      return pick(rng, def.values ?? []);
    case 'array': {
      if (depth > 6) return [];
      const n = Math.floor(rng.next() * 3);
      return Array.from({ length: n }, () => generate(def.element!, rng, oddness, depth + 1));
    }
    case 'record': {
      const out: Record<string, unknown> = {};
      const n = Math.floor(rng.next() * 3);
      for (let i = 0; i < n; i++) out[pick(rng, ['k', 'app', 'cpu', 'constructor', 'x.y/z'])] = generate(def.valueType!, rng, oddness, depth + 1);
      return out;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      for (const [k, s] of Object.entries(def.shape ?? {})) {
        const optional = defOfSchema(s).type === 'optional';
        if (optional && rng.next() < 0.6) continue;
        if (!optional && rng.next() < oddness) continue; // a required field left out
        out[k] = generate(optional ? defOfSchema(s).innerType! : s, rng, oddness, depth + 1);
      }
      if (rng.next() < 0.2) out['unknownField'] = generate(z.unknown(), rng, 0, depth + 1);
      return out;
    }
    case 'optional':
      return generate(def.innerType!, rng, oddness, depth);
    case 'union':
      return generate(pick(rng, def.options!), rng, oddness, depth);
    default:
      return undefined;
  }
}

const seeded = (seed: number): Rng => {
  let s = seed >>> 0 || 1;
  return {
    next() {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) / 2 ** 32;
    },
  };
};

describe('typeCheckerFor', () => {
  it('has a checker for every kind', () => {
    for (const r of names) expect(typeCheckerFor(defOf(r).schema), r).toBeDefined();
  });

  it.each(names)('vouches for the defaulted minimal %s', (r) => {
    const obj = makeObject(r);
    defOf(r).setDefaults(obj);
    expect(typeCheckerFor(defOf(r).schema)!(obj)).toBe(true);
  });

  it('never vouches for a value zod refuses, and vouches for the valid ones it generates', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.integer(), fc.constantFrom(0, 0.02, 0.1, 0.3), (r, seed, oddness) => {
        const schema = defOf(r).schema;
        const value = generate(schema, seeded(seed), oddness);
        const ok = zodAccepts(schema, value);
        const vouched = typeCheckerFor(schema)!(value);
        if (vouched) expect(ok).toBe(true);
        if (oddness === 0) expect(vouched).toBe(ok);
      }),
      { numRuns: 3000 },
    );
  });

  it('judges the corner cases as zod does, or leaves them to zod', () => {
    const exact = z.looseObject({ a: z.string().exactOptional(), n: z.number().int().exactOptional() });
    const plain = z.looseObject({ a: z.string().optional() });
    const required = z.looseObject({ u: z.unknown() });
    const record = z.record(z.string(), z.string());
    const proto = JSON.parse('{"__proto__":"x"}') as unknown;
    const withSymbol = { a: 'b', [Symbol('s')]: 'c' };
    const cases: Array<[z.ZodType, unknown]> = [
      [exact, { a: undefined }],
      [exact, {}],
      [exact, { n: 1.5 }],
      [exact, { n: 2 ** 60 }],
      [exact, { n: NaN }],
      [exact, { n: -0 }],
      [exact, []],
      [exact, new Date(0)],
      [plain, { a: undefined }],
      [required, {}],
      [required, { u: undefined }],
      [record, proto],
      [record, withSymbol],
      [record, { constructor: 'x' }],
      [record, { constructor: () => 1 }],
      [record, new (class Labels {})()],
      [record, Object.create(null)],
      [record, ['a']],
      [z.array(z.string()), [, 'a']], // eslint-disable-line no-sparse-arrays
      [z.union([z.string(), z.number()]), true],
      [z.enum(['A', 'B']), 'C'],
      [z.literal('x'), 'x'],
    ];
    for (const [schema, value] of cases) {
      const check = typeCheckerFor(schema)!;
      if (check(value)) expect(zodAccepts(schema, value), JSON.stringify(value)).toBe(true);
    }
  });

  it('declines schemas that use more than kind schemas do', () => {
    expect(typeCheckerFor(z.string().min(3))).toBeUndefined();
    expect(typeCheckerFor(z.looseObject({ a: z.string().refine((s) => s.length > 1) }))).toBeUndefined();
    expect(typeCheckerFor(z.object({ a: z.string() }))).toBeUndefined(); // strips unknown fields
    expect(typeCheckerFor(z.looseObject({ a: z.string().default('x') }))).toBeUndefined();
  });
});
