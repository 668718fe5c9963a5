import { describe, expect, it } from 'vitest';
import { defaulted, defaultingTable, validationTable } from '../testing/cases.ts';
import { kindDefinitions } from '../kinds.ts';

describe('resourcequota', () => {
  validationTable('resourcequotas', [
    ['hard names a quota resource', { spec: { hard: { 'limit.cpu': '1' } } }, { field: 'spec.hard[limit.cpu]', message: 'Invalid value: "limit.cpu": must be a standard resource for quota' }],
    ['counts are whole numbers', { spec: { hard: { pods: '1500m' } } }, { field: 'spec.hard[pods]', message: 'Invalid value: "1500m": must be an integer' }],
    ['object counts are whole numbers', { spec: { hard: { 'count/deployments.apps': '0.5' } } }, { field: 'spec.hard[count/deployments.apps]', reason: 'FieldValueInvalid' }],
    ['limits are not negative', { spec: { hard: { 'requests.cpu': '-1' } } }, { field: 'spec.hard[requests.cpu]', message: 'Invalid value: "-1": must be greater than or equal to 0' }],
    ['scopes are known', { spec: { scopes: ['Shiny'] } }, { field: 'spec.scopes', message: 'Invalid value: []string{"Shiny"}: unsupported scope' }],
    ['BestEffort only counts pods', { spec: { scopes: ['BestEffort'] } }, { field: 'spec.scopes', message: 'Invalid value: []string{"BestEffort"}: unsupported scope applied to resource' }],
    ['Terminating and NotTerminating conflict', { spec: { scopes: ['Terminating', 'NotTerminating'] } }, { field: 'spec.scopes', message: 'Invalid value: []string{"Terminating", "NotTerminating"}: conflicting scopes' }],
    [
      'a scope selector operator is known',
      { spec: { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'Near', values: ['high'] }] } } },
      { field: 'spec.scopeSelector.matchExpressions.operator', reason: 'FieldValueInvalid' },
    ],
  ]);
  it('accepts what kubectl create quota sends', () => {
    const rq = defaulted('resourcequotas', { spec: { hard: { cpu: '1', memory: '1G', pods: '2', 'count/deployments.apps': '3', 'requests.nvidia.com/gpu': '1' } } });
    expect(kindDefinitions.resourcequotas.validate(rq as never)).toEqual([]);
  });
  it('accepts a PriorityClass scope selector on pods', () => {
    const rq = defaulted('resourcequotas', { spec: { hard: { pods: '5' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } } });
    (rq as { spec: { hard: Record<string, string> } }).spec.hard = { pods: '5' };
    expect(kindDefinitions.resourcequotas.validate(rq as never)).toEqual([]);
  });
});

describe('limitrange', () => {
  defaultingTable('limitranges', [
    ['a container default limit is the max', {}, (l) => l.spec.limits[0].default, { cpu: '2' }],
    ['a container default request is the default limit', { spec: { limits: [{ type: 'Container', default: { memory: '256Mi' }, min: { cpu: '100m' } }] } }, (l) => l.spec.limits[0].defaultRequest, { memory: '256Mi', cpu: '100m' }],
    ['pod items get no defaults', { spec: { limits: [{ type: 'Pod', max: { cpu: '4' } }] } }, (l) => l.spec.limits[0].default, undefined],
  ]);
  validationTable('limitranges', [
    ['the type is a known one or qualified', { spec: { limits: [{ type: 'Node' }] } }, { field: 'spec.limits[0].type', message: 'Invalid value: "Node": must be a standard limit type or fully qualified' }],
    ['min may not exceed max', { spec: { limits: [{ type: 'Container', max: { cpu: '1' }, min: { cpu: '2' } }] } }, { field: 'spec.limits[0].min[cpu]', message: 'Invalid value: "2": min value 2 is greater than max value 1' }],
    ['pods have no defaults', { spec: { limits: [{ type: 'Pod', default: { cpu: '1' } }] } }, { field: 'spec.limits[0].default', reason: 'FieldValueForbidden' }],
    ['one item per type', { spec: { limits: [{ type: 'Pod' }, { type: 'Pod' }] } }, { field: 'spec.limits[1].type', reason: 'FieldValueDuplicate' }],
    ['a claim item bounds storage', { spec: { limits: [{ type: 'PersistentVolumeClaim', max: { cpu: '1' } }] } }, { field: 'spec.limits[0].limits', reason: 'FieldValueRequired' }],
  ]);
});
