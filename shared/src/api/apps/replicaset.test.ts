import { describe, expect, it } from 'vitest';
import { defaulted, defaultingTable, updateTable, validationTable } from '../testing/cases.ts';
import { replicaSetKind, type ReplicaSet } from './replicaset.ts';

describe('replicaset defaulting', () => {
  defaultingTable('replicasets', [
    ['replicas defaults to 1', {}, (r) => r.spec.replicas, 1],
    ['given replicas are kept, even 0', { spec: { replicas: 0 } }, (r) => r.spec.replicas, 0],
    ['the template gets pod spec defaults', {}, (r) => r.spec.template.spec.dnsPolicy, 'ClusterFirst'],
  ]);
});

describe('replicaset validation', () => {
  validationTable('replicasets', [
    ['replicas may not be negative', { spec: { replicas: -3 } }, { field: 'spec.replicas', message: 'Invalid value: -3: must be greater than or equal to 0' }],
    ['the selector must match the template labels', { spec: { template: { metadata: { labels: { app: 'other' } } } } },
      { field: 'spec.template.metadata.labels', message: 'Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`' }],
    ['the template restartPolicy must be Always', { spec: { template: { spec: { restartPolicy: 'OnFailure' } } } }, { field: 'spec.template.spec.restartPolicy', reason: 'FieldValueNotSupported' }],
    ['minReadySeconds may not be negative', { spec: { minReadySeconds: -1 } }, { field: 'spec.minReadySeconds', reason: 'FieldValueInvalid' }],
  ]);
});

describe('replicaset update validation', () => {
  updateTable('replicasets', [
    ['scaling is allowed', {}, (r) => { r.spec.replicas = 3; }, null],
    ['the selector is immutable', {}, (r) => { r.spec.selector.matchLabels = {}; r.spec.selector.matchExpressions = [{ key: 'app', operator: 'Exists' }]; },
      { field: 'spec.selector', reason: 'FieldValueInvalid' }],
  ]);
});

describe('replicaset selectable fields', () => {
  it('exposes status.replicas', () => {
    const rs = defaulted<ReplicaSet>('replicasets', { status: { replicas: 4 } });
    expect(replicaSetKind.selectableFields(rs)).toEqual({ 'status.replicas': '4' });
  });
});
