import { describe, expect, it } from 'vitest';
import { defaulted, validationTable } from '../testing/cases.ts';
import { eventKind, type Event } from './event.ts';

describe('event validation', () => {
  validationTable('events', [
    ['the involved object must be in the event\'s namespace', { involvedObject: { namespace: 'other' } },
      { field: 'involvedObject.namespace', message: 'Invalid value: "other": does not match event.namespace' }],
    ['type must be Normal or Warning', { type: 'Info' }, { field: 'type', reason: 'FieldValueNotSupported' }],
  ]);

  it('accepts events about cluster-scoped objects in the default namespace', () => {
    const e = defaulted<Event>('events', { involvedObject: { kind: 'Node', name: 'n1', namespace: '' } });
    expect(eventKind.validate(e)).toEqual([]);
  });
});

describe('event selectable fields', () => {
  it('exposes involvedObject, reason, reportingComponent, source and type', () => {
    const e = defaulted<Event>('events', { involvedObject: { uid: 'u1', apiVersion: 'v1', fieldPath: 'spec.containers{app}', resourceVersion: '7' }, source: { component: 'kubelet' }, reportingComponent: 'kubelet' });
    expect(eventKind.selectableFields(e)).toEqual({
      'involvedObject.kind': 'Pod',
      'involvedObject.namespace': 'default',
      'involvedObject.name': 'web',
      'involvedObject.uid': 'u1',
      'involvedObject.apiVersion': 'v1',
      'involvedObject.resourceVersion': '7',
      'involvedObject.fieldPath': 'spec.containers{app}',
      reason: 'Scheduled',
      reportingComponent: 'kubelet',
      source: 'kubelet',
      type: 'Normal',
    });
  });
});
