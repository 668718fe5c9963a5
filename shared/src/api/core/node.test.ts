import { describe, expect, it } from 'vitest';
import { defaulted, defaultingTable, updateTable, validationTable } from '../testing/cases.ts';
import { nodeKind, type Node } from './node.ts';

describe('node defaulting', () => {
  defaultingTable('nodes', [
    ['allocatable defaults to capacity', {}, (n) => n.status.allocatable, { cpu: '4', memory: '8Gi', pods: '110' }],
    ['a given allocatable is kept', { status: { allocatable: { cpu: '3' } } }, (n) => n.status.allocatable, { cpu: '3' }],
  ]);
});

describe('node validation', () => {
  validationTable('nodes', [
    ['taints need an effect', { spec: { taints: [{ key: 'k', effect: '' }] } }, { field: 'spec.taints[0].effect', reason: 'FieldValueRequired' }],
    ['taint effects must be known', { spec: { taints: [{ key: 'k', effect: 'NoRun' }] } }, { field: 'spec.taints[0].effect', reason: 'FieldValueNotSupported' }],
    ['taint keys must be qualified names', { spec: { taints: [{ key: 'a b', effect: 'NoSchedule' }] } }, { field: 'spec.taints[0].key', reason: 'FieldValueInvalid' }],
    ['a key and effect appear once', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', value: 'v', effect: 'NoSchedule' }] } }, { field: 'spec.taints[1]', reason: 'FieldValueDuplicate' }],
    ['podCIDRs must be CIDRs', { spec: { podCIDRs: ['10.0.0.0'] } }, { field: 'spec.podCIDRs', reason: 'FieldValueInvalid' }],
    ['node names are DNS subdomains', { metadata: { name: 'Node_1' } }, { field: 'metadata.name', reason: 'FieldValueInvalid' }],
    ['nodes are cluster-scoped', { metadata: { namespace: 'default' } }, { field: 'metadata.namespace', reason: 'FieldValueForbidden' }],
    ['capacities must be quantities', { status: { capacity: { cpu: 'four' } } }, { field: 'status.capacity[cpu]', reason: 'FieldValueInvalid' }],
  ]);
});

describe('node update validation', () => {
  updateTable('nodes', [
    ['cordoning is allowed', {}, (n) => { n.spec.unschedulable = true; }, null],
    ['podCIDRs may be set once', {}, (n) => { n.spec.podCIDRs = ['10.244.1.0/24']; }, null],
    ['podCIDRs may not change', { spec: { podCIDRs: ['10.244.1.0/24'] } }, (n) => { n.spec.podCIDRs = ['10.244.2.0/24']; }, { field: 'spec.podCIDRs', reason: 'FieldValueForbidden' }],
    ['providerID may not change', { spec: { providerID: 'kubesim://1' } }, (n) => { n.spec.providerID = 'kubesim://2'; }, { field: 'spec.providerID', reason: 'FieldValueForbidden' }],
  ]);
});

describe('node selectable fields', () => {
  it('exposes spec.unschedulable', () => {
    expect(nodeKind.selectableFields(defaulted<Node>('nodes', { spec: { unschedulable: true } }))).toEqual({ 'spec.unschedulable': 'true' });
    expect(nodeKind.selectableFields(defaulted<Node>('nodes'))).toEqual({ 'spec.unschedulable': 'false' });
  });
});
