import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nodeSelectorRequirementMatches, nodeSelectorTermMatches, podFitsNodeSelector, toleratesTaint } from './node-selector.ts';
import type { SelectableNode } from './node-selector.ts';

const node = (labels: Record<string, string>, name = 'n1'): SelectableNode => ({ name, labels });
const required = (...terms: object[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } }) as never;

describe('node selection', () => {
  it('applies each operator to a label value', () => {
    const cases: [string, string[] | undefined, string | undefined, boolean][] = [
      ['In', ['a', 'b'], 'b', true],
      ['In', ['a'], undefined, false],
      ['NotIn', ['a'], 'b', true],
      ['NotIn', ['a'], undefined, true],
      ['NotIn', ['a'], 'a', false],
      ['Exists', undefined, '', true],
      ['Exists', undefined, undefined, false],
      ['DoesNotExist', undefined, undefined, true],
      ['Gt', ['4'], '5', true],
      ['Gt', ['4'], '4', false],
      ['Lt', ['4'], '-3', true],
      ['Gt', ['4'], '5.5', false],
      ['Gt', ['x'], '5', false],
      ['Lt', ['4', '5'], '1', false],
      ['Bogus', ['a'], 'a', false],
    ];
    for (const [operator, values, value, want] of cases) {
      expect(nodeSelectorRequirementMatches({ key: 'k', operator, ...(values ? { values } : {}) }, value), `${operator} ${values} ${value}`).toBe(want);
    }
  });

  it('ANDs a term, matches nothing with an empty term, and reads metadata.name from fields only', () => {
    expect(nodeSelectorTermMatches({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'Exists' }] }, node({ zone: 'a' }))).toBe(false);
    expect(nodeSelectorTermMatches({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, { key: 'disk', operator: 'Exists' }] }, node({ zone: 'a', disk: 'ssd' }))).toBe(true);
    expect(nodeSelectorTermMatches({}, node({ zone: 'a' }))).toBe(false);
    expect(nodeSelectorTermMatches({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }, node({}, 'n2'))).toBe(true);
    expect(nodeSelectorTermMatches({ matchFields: [{ key: 'metadata.labels', operator: 'Exists' }] }, node({}, 'n2'))).toBe(false);
    expect(nodeSelectorTermMatches({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, node({}))).toBe(false);
  });

  it('needs both the nodeSelector map and one required term', () => {
    const spec = { nodeSelector: { disk: 'ssd' }, affinity: required({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }) };
    expect(podFitsNodeSelector(spec, node({ disk: 'ssd', zone: 'a' }))).toBe(true);
    expect(podFitsNodeSelector(spec, node({ disk: 'hdd', zone: 'a' }))).toBe(false);
    expect(podFitsNodeSelector(spec, node({ disk: 'ssd', zone: 'c' }))).toBe(false);
    expect(podFitsNodeSelector(undefined, node({}))).toBe(true);
    expect(podFitsNodeSelector({ affinity: required() }, node({}))).toBe(false);
  });

  it('NotIn is exactly the negation of In, and DoesNotExist of Exists', () => {
    const value = fc.option(fc.constantFrom('a', 'b', 'c', ''), { nil: undefined });
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1 }), value, (values, v) => {
        expect(nodeSelectorRequirementMatches({ key: 'k', operator: 'NotIn', values }, v)).toBe(!nodeSelectorRequirementMatches({ key: 'k', operator: 'In', values }, v));
        expect(nodeSelectorRequirementMatches({ key: 'k', operator: 'DoesNotExist' }, v)).toBe(!nodeSelectorRequirementMatches({ key: 'k', operator: 'Exists' }, v));
      }),
    );
  });

  it('tolerates taints as Kubernetes does', () => {
    const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    expect(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'cpu' }, taint)).toBe(false);
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ operator: 'Exists' }, taint)).toBe(true);
    expect(toleratesTaint({ operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
    expect(toleratesTaint({ key: 'other', operator: 'Exists' }, taint)).toBe(false);
  });
});
