import { describe, expect, it } from 'vitest';
import { BindingSchema, validateBinding } from './core/binding.ts';
import { validateEviction, EvictionSchema } from './policy/eviction.ts';
import { ScaleSchema, validateScale } from './autoscaling/scale.ts';
import { DeleteOptionsSchema, StatusSchema, TableSchema, listSchema, watchEventSchema } from './meta/v1.ts';
import { PodSchema } from './core/pod.ts';
import { makePod } from './fixtures.ts';
import { defaulted, defaultingTable, updateTable, validationTable } from './testing/cases.ts';
import { kindDefinitions } from './kinds.ts';
import type { EventV1 } from './events/event.ts';

describe('endpoints', () => {
  defaultingTable('endpoints', [['ports default to TCP', {}, (e) => e.subsets[0].ports[0].protocol, 'TCP']]);
  validationTable('endpoints', [
    ['addresses are IPs', { subsets: [{ addresses: [{ ip: 'pod-a' }], ports: [{ port: 80 }] }] }, { field: 'subsets[0].addresses[0].ip', reason: 'FieldValueInvalid' }],
    ['ports are in range', { subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 0 }] }] }, { field: 'subsets[0].ports[0].port', reason: 'FieldValueInvalid' }],
  ]);
});

describe('controllerrevision', () => {
  validationTable('controllerrevisions', [['revision may not be negative', { revision: -1 }, { field: 'revision', message: 'Invalid value: -1: must be greater than or equal to 0' }]]);
  updateTable('controllerrevisions', [['data is immutable', {}, (c) => { c.data = { spec: { x: 1 } }; }, { field: 'data', reason: 'FieldValueInvalid' }]]);
});

describe('lease', () => {
  validationTable('leases', [
    ['leaseDurationSeconds is positive', { spec: { leaseDurationSeconds: 0 } }, { field: 'spec.leaseDurationSeconds', message: 'Invalid value: 0: must be greater than 0' }],
    ['leaseTransitions may not be negative', { spec: { leaseTransitions: -1 } }, { field: 'spec.leaseTransitions', reason: 'FieldValueInvalid' }],
  ]);
});

describe('endpointslice', () => {
  defaultingTable('endpointslices', [['ports default to TCP and an empty name', {}, (s) => s.ports[0], { port: 8080, name: '', protocol: 'TCP' }]]);
  validationTable('endpointslices', [
    ['addressType must be known', { addressType: 'IPv5' }, { field: 'addressType', reason: 'FieldValueNotSupported' }],
    ['addresses match the address type', { endpoints: [{ addresses: ['fd00::1'] }] }, { field: 'endpoints[0].addresses[0]', reason: 'FieldValueInvalid' }],
    ['an endpoint has at least one address', { endpoints: [{ addresses: [] }] }, { field: 'endpoints[0].addresses', reason: 'FieldValueRequired' }],
  ]);
  updateTable('endpointslices', [['addressType is immutable', {}, (s) => { s.addressType = 'IPv6'; s.endpoints = []; }, { field: 'addressType', reason: 'FieldValueInvalid' }]]);
});

describe('poddisruptionbudget', () => {
  validationTable('poddisruptionbudgets', [
    ['minAvailable and maxUnavailable may not both be set', { spec: { maxUnavailable: 1 } }, { field: 'spec', reason: 'FieldValueInvalid' }],
    ['percentages are at most 100%', { spec: { minAvailable: '120%' } }, { field: 'spec.minAvailable', message: 'Invalid value: "120%": must not be greater than 100%' }],
    ['negative numbers are invalid', { spec: { minAvailable: -1 } }, { field: 'spec.minAvailable', reason: 'FieldValueInvalid' }],
    ['unhealthyPodEvictionPolicy must be known', { spec: { unhealthyPodEvictionPolicy: 'Never' } }, { field: 'spec.unhealthyPodEvictionPolicy', reason: 'FieldValueNotSupported' }],
  ]);
});

describe('priorityclass', () => {
  defaultingTable('priorityclasses', [['preemptionPolicy defaults to PreemptLowerPriority', {}, (p) => p.preemptionPolicy, 'PreemptLowerPriority']]);
  validationTable('priorityclasses', [
    ['system- names are reserved', { metadata: { name: 'system-mine' } }, { field: 'metadata.name', message: 'Invalid value: "system-mine": priority class names with \'system-\' prefix are reserved' }],
    ['user classes are at most 1000000000', { value: 2000000000 }, { field: 'value', reason: 'FieldValueForbidden' }],
    ['priorityclasses are cluster-scoped', { metadata: { namespace: 'default' } }, { field: 'metadata.namespace', reason: 'FieldValueForbidden' }],
  ]);
  updateTable('priorityclasses', [
    ['the description may change', {}, (p) => { p.description = 'x'; }, null],
    ['the value may not change', {}, (p) => { p.value = 5; }, { field: 'value', message: 'Forbidden: may not be changed in an update.' }],
  ]);
});

describe('storageclass', () => {
  defaultingTable('storageclasses', [
    ['reclaimPolicy defaults to Delete', {}, (s) => s.reclaimPolicy, 'Delete'],
    ['volumeBindingMode defaults to Immediate', {}, (s) => s.volumeBindingMode, 'Immediate'],
  ]);
  validationTable('storageclasses', [
    ['a provisioner is required', { provisioner: '' }, { field: 'provisioner', reason: 'FieldValueRequired' }],
    ['volumeBindingMode must be known', { volumeBindingMode: 'Later' }, { field: 'volumeBindingMode', reason: 'FieldValueNotSupported' }],
  ]);
  updateTable('storageclasses', [
    ['allowVolumeExpansion may change', {}, (s) => { s.allowVolumeExpansion = true; }, null],
    ['parameters may not change', {}, (s) => { s.parameters = { a: 'b' }; }, { field: 'parameters', message: 'Forbidden: updates to parameters are forbidden.' }],
  ]);
});

describe('events.k8s.io event', () => {
  validationTable('eventsV1', [
    ['eventTime is required', { eventTime: '' }, { field: 'eventTime', reason: 'FieldValueRequired' }],
    ['reportingController is required', { reportingController: '' }, { field: 'reportingController', reason: 'FieldValueRequired' }],
    ['type must be Normal or Warning', { type: 'Bad' }, { field: 'type', reason: 'FieldValueNotSupported' }],
    ['the regarded object must be in the event\'s namespace', { regarding: { namespace: 'kube-system' } }, { field: 'regarding.namespace', reason: 'FieldValueInvalid' }],
  ]);
  it('selects by the core/v1 field names', () => {
    const e = defaulted<EventV1>('eventsV1');
    expect(kindDefinitions.eventsV1.selectableFields(e)).toMatchObject({ 'involvedObject.name': 'web', reason: 'Scheduled', reportingComponent: 'kubesim.io/scheduler', type: 'Normal' });
  });
});

describe('serviceaccount', () => {
  validationTable('serviceaccounts', [['names are DNS subdomains', { metadata: { name: 'Robot' } }, { field: 'metadata.name', reason: 'FieldValueInvalid' }]]);
});

describe('subresource bodies', () => {
  it('a binding targets a node by name', () => {
    const b = BindingSchema.parse({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web' }, target: { kind: 'Node', name: 'n1' } });
    expect(validateBinding(b)).toEqual([]);
    expect(validateBinding({ ...b, target: { kind: 'Pod' } })).toEqual([
      { reason: 'FieldValueNotSupported', message: 'Unsupported value: "Pod": supported values: "Node", "<empty>"', field: 'target.kind' },
      { reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' },
    ]);
  });
  it('an eviction names the pod of the URL', () => {
    const e = EvictionSchema.parse({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'web' }, deleteOptions: { gracePeriodSeconds: 0 } });
    expect(validateEviction(e, 'web')).toEqual([]);
    expect(validateEviction(e, 'db')).toHaveLength(1);
  });
  it('a scale may not ask for negative replicas', () => {
    const s = ScaleSchema.parse({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: -1 } });
    expect(validateScale(s)).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }]);
  });
});

describe('meta/v1 envelopes', () => {
  it('parses lists, watch events, statuses, delete options and tables, keeping unknown fields', () => {
    const pod = makePod();
    expect(listSchema(PodSchema).parse({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '5' }, items: [pod] }).items).toHaveLength(1);
    expect(watchEventSchema(PodSchema).parse({ type: 'ADDED', object: pod }).type).toBe('ADDED');
    expect(StatusSchema.parse({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound', extra: 1 })).toMatchObject({ extra: 1 });
    expect(DeleteOptionsSchema.parse({ propagationPolicy: 'Foreground', gracePeriodSeconds: 0 })).toEqual({ propagationPolicy: 'Foreground', gracePeriodSeconds: 0 });
    const table = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {}, columnDefinitions: [{ name: 'Name', type: 'string', format: 'name', description: '', priority: 0 }], rows: [{ cells: ['web'] }] };
    expect(TableSchema.parse(table).rows).toHaveLength(1);
    expect(watchEventSchema(PodSchema).safeParse({ type: 'CHANGED', object: pod }).success).toBe(false);
  });
});
