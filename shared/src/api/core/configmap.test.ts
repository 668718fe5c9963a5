import { describe, expect, it } from 'vitest';
import { defaulted, defaultingTable, updateTable, validationTable } from '../testing/cases.ts';
import { secretKind, type Secret } from './configmap.ts';

describe('configmap validation', () => {
  validationTable('configmaps', [
    ['keys are config keys', { data: { 'a b': 'x' } }, { field: 'data', reason: 'FieldValueInvalid' }],
    ['a key is in data or binaryData, not both', { binaryData: { 'app.conf': 'eA==' } }, { field: 'binaryData', reason: 'FieldValueDuplicate' }],
  ]);
});

describe('configmap update validation', () => {
  updateTable('configmaps', [
    ['data may change', {}, (c) => { c.data.x = 'y'; }, null],
    ['immutable data may not change', { immutable: true }, (c) => { c.data.x = 'y'; }, { field: 'data', reason: 'FieldValueForbidden' }],
    ['immutable may not be unset', { immutable: true }, (c) => { c.immutable = false; }, { field: 'immutable', reason: 'FieldValueForbidden' }],
  ]);
});

describe('secret defaulting', () => {
  defaultingTable('secrets', [
    ['type defaults to Opaque', {}, (s) => s.type, 'Opaque'],
    ['stringData is merged into data as base64', { stringData: { user: 'admin' } }, (s) => [s.data.user, s.stringData], ['YWRtaW4=', undefined]],
  ]);
});

describe('secret validation', () => {
  validationTable('secrets', [
    ['data must be base64', { data: { password: 'not base64!' } }, { field: 'data[password]', message: 'Invalid value: "<secret contents redacted>": illegal base64 data' }],
    ['TLS secrets need tls.crt and tls.key', { type: 'kubernetes.io/tls' }, { field: 'data[tls.crt]', reason: 'FieldValueRequired' }],
    ['token secrets name their service account', { type: 'kubernetes.io/service-account-token' }, { field: 'metadata.annotations[kubernetes.io/service-account.name]', reason: 'FieldValueRequired' }],
  ]);
});

describe('secret update validation', () => {
  updateTable('secrets', [
    ['data may change', {}, (s) => { s.data.password = 'eA=='; }, null],
    ['type is immutable', {}, (s) => { s.type = 'kubernetes.io/basic-auth'; }, { field: 'type', reason: 'FieldValueInvalid' }],
  ]);

  it('exposes type as a selectable field', () => {
    expect(secretKind.selectableFields(defaulted<Secret>('secrets'))).toEqual({ type: 'Opaque' });
  });
});
