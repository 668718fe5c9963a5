// setDefaults' `checked` part: a caller that vouches for some members of an object (the
// registry, for members borrowed from a stored state it wrote well-typed) has nulls and
// types looked for in the rest only. The answer and the defaulted object must be those of
// a check of the whole object, whatever the rest holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kindDefinitions } from '../kinds.ts';
import type { KindDefinition } from '../kind.ts';
import type { KubeObject } from '../meta.ts';

const pods = kindDefinitions.pods as unknown as KindDefinition;
const runs = Number(process.env['KUBESIM_PROPERTY_RUNS'] ?? 100);
const seed = process.env['KUBESIM_PROPERTY_SEED'] ? Number(process.env['KUBESIM_PROPERTY_SEED']) : undefined;

type Rec = Record<string, unknown>;

/** a defaulted, well-typed pod: what a stored state's members are */
function storedPod(): KubeObject {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { app: 'a' }, annotations: { n: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as KubeObject;
  expect(pods.setDefaults(pod)).toBe(true);
  return pod;
}

/** a value for the unvouched member: well-typed, with a null, or of the wrong type */
const freshValue = fc.constantFrom<unknown>({ app: 'b' }, { app: null }, { app: 3 }, 'not a map', null);

describe('setDefaults with a vouched-for part', () => {
  it('answers and defaults as a check of the whole object does', () => {
    fc.assert(
      fc.property(fc.constantFrom('labels', 'annotations'), freshValue, fc.boolean(), (member, value, dropSpec) => {
        const base = storedPod() as KubeObject & Rec;
        const make = (): KubeObject & Rec => ({ ...structuredClone(base), metadata: { ...structuredClone(base.metadata), [member]: structuredClone(value) } });
        const whole = make();
        const part = make();
        // the part checked: metadata's new member only (and the spec, unless vouched for)
        const checked: Rec = { apiVersion: part.apiVersion, kind: part.kind, metadata: { [member]: (part.metadata as Rec)[member] } };
        if (!dropSpec) checked['spec'] = part['spec'];
        expect(pods.setDefaults(part, checked)).toBe(pods.setDefaults(whole));
        expect(part).toEqual(whole);
      }),
      { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
    );
  });

  it('checks the whole object when the part lacks a member the schema requires', () => {
    const pod = storedPod() as KubeObject & Rec;
    // a part without its containers fails the pod schema on its own; the whole pod passes
    const part = { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: {} };
    expect(pods.setDefaults(pod, part)).toBe(true);
  });
});
