// Table runners for the kind tests: each case is a sentence, an override deep-merged into
// the kind's minimal object (fixtures.ts), and what to expect. Test-only helpers.

import { expect, it } from 'vitest';
import type { StatusCause } from '../../errors.ts';
import { makeObject } from '../fixtures.ts';
import { kindDefinitions } from '../kinds.ts';
import type { KindDefinition } from '../kind.ts';
import type { ResourceName } from '../resources.ts';

type Obj = Record<string, unknown>;
const def = (r: ResourceName): KindDefinition => kindDefinitions[r] as unknown as KindDefinition;

export function defaulted<T = Obj>(r: ResourceName, over?: unknown): T {
  const o = makeObject(r, over);
  def(r).setDefaults(o);
  return o as unknown as T;
}

/** [sentence, override, getter, expected value after setDefaults] */
export type DefaultCase = [string, unknown, (o: any) => unknown, unknown];

export function defaultingTable(r: ResourceName, cases: DefaultCase[]): void {
  it.each(cases)('%s', (_name, over, get, want) => {
    expect(get(defaulted(r, over))).toEqual(want);
  });
}

/** [sentence, override (object is defaulted first), one expected cause (partial)] */
export type ValidationCase = [string, unknown, StatusCause];

export function validationTable(r: ResourceName, cases: ValidationCase[]): void {
  it.each(cases)('%s', (_name, over, want) => {
    const causes = def(r).validate(defaulted(r, over));
    expect(causes).toContainEqual(expect.objectContaining(want));
  });
}

/** [sentence, override of the old object, change applied to a copy, expected cause or null when allowed] */
export type UpdateCase = [string, unknown, (o: any) => void, StatusCause | null];

export function updateTable(r: ResourceName, cases: UpdateCase[]): void {
  it.each(cases)('%s', (_name, over, change, want) => {
    const old = defaulted(r, over);
    const next = structuredClone(old);
    change(next);
    const causes = def(r).validateUpdate(next as never, old as never);
    if (want === null) expect(causes).toEqual([]);
    else expect(causes).toContainEqual(expect.objectContaining(want));
  });
}
