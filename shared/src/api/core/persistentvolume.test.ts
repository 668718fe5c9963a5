import { describe } from 'vitest';
import { defaultingTable, updateTable, validationTable } from '../testing/cases.ts';

describe('persistentvolume defaulting', () => {
  defaultingTable('persistentvolumes', [
    ['reclaim policy defaults to Retain', {}, (p) => p.spec.persistentVolumeReclaimPolicy, 'Retain'],
    ['volumeMode defaults to Filesystem', {}, (p) => p.spec.volumeMode, 'Filesystem'],
    ['status.phase defaults to Pending', {}, (p) => p.status.phase, 'Pending'],
    ['hostPath type defaults to ""', {}, (p) => p.spec.hostPath.type, ''],
  ]);
});

describe('persistentvolume validation', () => {
  validationTable('persistentvolumes', [
    ['capacity is required', { spec: { capacity: null } }, { field: 'spec.capacity', reason: 'FieldValueRequired' }],
    ['only storage capacity is supported', { spec: { capacity: { storage: '1Gi', cpu: '1' } } }, { field: 'spec.capacity', reason: 'FieldValueNotSupported' }],
    ['access modes are required', { spec: { accessModes: [] } }, { field: 'spec.accessModes', reason: 'FieldValueRequired' }],
    ['access modes must be known', { spec: { accessModes: ['ReadWriteSometimes'] } }, { field: 'spec.accessModes', reason: 'FieldValueNotSupported' }],
    ['a volume source is required', { spec: { hostPath: null } }, { field: 'spec', message: 'Required value: must specify a volume type' }],
    ['one volume source only', { spec: { nfs: { server: 'nfs', path: '/x' } } }, { field: 'spec.nfs', reason: 'FieldValueForbidden' }],
    ['reclaim policy must be known', { spec: { persistentVolumeReclaimPolicy: 'Keep' } }, { field: 'spec.persistentVolumeReclaimPolicy', reason: 'FieldValueNotSupported' }],
  ]);
});

describe('persistentvolume update validation', () => {
  updateTable('persistentvolumes', [
    ['binding a claim is allowed', {}, (p) => { p.spec.claimRef = { namespace: 'default', name: 'data' }; }, null],
    ['the source is immutable', {}, (p) => { p.spec.hostPath.path = '/elsewhere'; }, { field: 'spec.persistentvolumesource', reason: 'FieldValueForbidden' }],
    ['volumeMode is immutable', {}, (p) => { p.spec.volumeMode = 'Block'; }, { field: 'spec.volumeMode', reason: 'FieldValueInvalid' }],
  ]);
});

describe('persistentvolumeclaim defaulting', () => {
  defaultingTable('persistentvolumeclaims', [
    ['volumeMode defaults to Filesystem', {}, (c) => c.spec.volumeMode, 'Filesystem'],
    ['status.phase defaults to Pending', {}, (c) => c.status.phase, 'Pending'],
  ]);
});

describe('persistentvolumeclaim validation', () => {
  validationTable('persistentvolumeclaims', [
    ['access modes are required', { spec: { accessModes: [] } }, { field: 'spec.accessModes', message: 'Required value: at least 1 access mode is required' }],
    ['a storage request is required', { spec: { resources: { requests: null } } }, { field: 'spec.resources[storage]', reason: 'FieldValueRequired' }],
    ['the storage request is positive', { spec: { resources: { requests: { storage: '0' } } } }, { field: 'spec.resources[storage]', message: 'Invalid value: "0": must be greater than zero' }],
    ['volumeMode must be known', { spec: { volumeMode: 'Object' } }, { field: 'spec.volumeMode', reason: 'FieldValueNotSupported' }],
  ]);
});

describe('persistentvolumeclaim update validation', () => {
  updateTable('persistentvolumeclaims', [
    ['volumeName may be set once (binding)', {}, (c) => { c.spec.volumeName = 'pv-1'; }, null],
    ['a bound claim may grow', { status: { phase: 'Bound' } }, (c) => { c.spec.resources.requests.storage = '2Gi'; }, null],
    ['a bound claim may not shrink', { status: { phase: 'Bound' } }, (c) => { c.spec.resources.requests.storage = '500Mi'; },
      { field: 'spec.resources.requests.storage', reason: 'FieldValueForbidden' }],
    ['an unbound claim may not change its spec', {}, (c) => { c.spec.resources.requests.storage = '2Gi'; },
      { field: 'spec', message: 'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims' }],
    ['volumeName may not change once set', { spec: { volumeName: 'pv-1' } }, (c) => { c.spec.volumeName = 'pv-2'; }, { field: 'spec', reason: 'FieldValueForbidden' }],
  ]);
});
