// The canonical mark of managedFields arrays: trusted only on the very array marked, once
// frozen; invisible to JSON and never carried over by copies.
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '@kubesim/shared';
import type { ManagedFieldsEntry } from '@kubesim/shared';
import { clone } from '../registry/objects.ts';
import { isCanonicalEntries, noteCanonicalEntries } from './canonical-entries.ts';

const entries = (): ManagedFieldsEntry[] => [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:renewTime': {} } } }];

describe('canonical managedFields entries', () => {
  it('are trusted once marked and frozen, and only then', () => {
    const a = entries();
    expect(isCanonicalEntries(deepFreeze(entries()))).toBe(false);
    noteCanonicalEntries(a);
    expect(isCanonicalEntries(a)).toBe(false); // (not frozen: it may still change)
    deepFreeze(a);
    expect(isCanonicalEntries(a)).toBe(true);
  });

  it('can be marked after they were frozen (entries kept from the stored state)', () => {
    const a = deepFreeze(entries());
    noteCanonicalEntries(a);
    expect(isCanonicalEntries(a)).toBe(true);
  });

  it('leave the mark out of their JSON and out of every copy', () => {
    const a = entries();
    noteCanonicalEntries(a);
    deepFreeze(a);
    expect(JSON.stringify(a)).toBe(JSON.stringify(entries()));
    expect(Object.keys(a)).toEqual(['0']);
    for (const copy of [clone(a), [...a], a.map((e) => e), a.slice(), structuredClone(a), JSON.parse(JSON.stringify(a)) as ManagedFieldsEntry[]]) {
      expect(isCanonicalEntries(deepFreeze(copy))).toBe(false);
    }
  });
});
