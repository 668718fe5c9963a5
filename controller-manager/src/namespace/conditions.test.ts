import { describe, expect, it } from 'vitest';
import { NAMESPACE_CONDITION_TYPES, updateNamespaceConditions } from './conditions.ts';
import type { ContentTotals } from './conditions.ts';

const empty: ContentTotals = { remaining: new Map(), finalizers: new Map(), errors: [] };

describe('namespace deletion conditions', () => {
  it('sets all five conditions to their ok variant when nothing remains', () => {
    const conds = updateNamespaceConditions(undefined, empty, 't1');
    expect(conds.map((c) => c.type)).toEqual([...NAMESPACE_CONDITION_TYPES]);
    expect(conds.every((c) => c.status === 'False' && c.lastTransitionTime === 't1')).toBe(true);
    expect(conds.find((c) => c.type === 'NamespaceContentRemaining')).toMatchObject({ reason: 'ContentRemoved', message: 'All content successfully removed' });
  });

  it('lists remaining resources and finalizers sorted, as Kubernetes words them', () => {
    const totals: ContentTotals = {
      remaining: new Map([['replicasets.apps', 1], ['pods.', 2]]),
      finalizers: new Map([['example.com/b', 1], ['example.com/a', 3]]),
      errors: [],
    };
    const conds = updateNamespaceConditions(undefined, totals, 't1');
    expect(conds.find((c) => c.type === 'NamespaceContentRemaining')?.message).toBe('Some resources are remaining: pods. has 2 resource instances, replicasets.apps has 1 resource instances');
    expect(conds.find((c) => c.type === 'NamespaceFinalizersRemaining')?.message).toBe(
      'Some content in the namespace has finalizers remaining: example.com/a in 3 resource instances, example.com/b in 1 resource instances',
    );
  });

  it('keeps lastTransitionTime while a status stays the same, and keeps conditions it does not own', () => {
    const first = updateNamespaceConditions([{ type: 'Custom', status: 'True' }], { ...empty, remaining: new Map([['pods.', 1]]) }, 't1');
    const second = updateNamespaceConditions(first, { ...empty, remaining: new Map([['pods.', 2]]) }, 't2');
    const third = updateNamespaceConditions(second, empty, 't3');
    expect(second.find((c) => c.type === 'NamespaceContentRemaining')).toMatchObject({ status: 'True', lastTransitionTime: 't1' });
    expect(third.find((c) => c.type === 'NamespaceContentRemaining')).toMatchObject({ status: 'False', lastTransitionTime: 't3' });
    expect(third.at(-1)).toEqual({ type: 'Custom', status: 'True' });
  });
});
