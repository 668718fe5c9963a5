import { describe, expect, it } from 'vitest';
import { defaulted, defaultingTable, validationTable } from '../testing/cases.ts';
import { namespaceKind, type Namespace } from './namespace.ts';

describe('namespace defaulting', () => {
  defaultingTable('namespaces', [
    ['spec.finalizers defaults to kubernetes', {}, (n) => n.spec.finalizers, ['kubernetes']],
    ['status.phase defaults to Active', {}, (n) => n.status.phase, 'Active'],
    ['the metadata.name label is added', {}, (n) => n.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' }],
    ['an existing object keeps its (finalized) empty finalizers', { metadata: { resourceVersion: '5' }, spec: {} }, (n) => n.spec.finalizers, undefined],
  ]);
});

describe('namespace validation', () => {
  validationTable('namespaces', [
    ['names are DNS labels', { metadata: { name: 'team.a' } }, { field: 'metadata.name', reason: 'FieldValueInvalid' }],
    ['namespaces are cluster-scoped', { metadata: { namespace: 'default' } }, { field: 'metadata.namespace', reason: 'FieldValueForbidden' }],
    ['phase must be Active or Terminating', { status: { phase: 'Gone' } }, { field: 'status.phase', reason: 'FieldValueNotSupported' }],
  ]);
});

describe('namespace selectable fields', () => {
  it('exposes status.phase', () => {
    expect(namespaceKind.selectableFields(defaulted<Namespace>('namespaces'))).toEqual({ 'status.phase': 'Active' });
  });
});
