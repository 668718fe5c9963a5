// Event (core/v1): a report of something that happened to an object (Scheduled, Pulled,
// FailedScheduling, ...). Validation as Kubernetes: the involved object's namespace must
// match the event's (events about cluster-scoped objects live in "default"), type Normal or
// Warning. Field selectors: involvedObject.*, reason, reportingComponent, source, type.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { ObjectReferenceSchema } from '../common/object-reference.ts';
import { int, obj, opt, str, time, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { fieldInvalid, fieldTooLong, validateEnum } from '../validation/field.ts';

export const EVENT_TYPES = ['Normal', 'Warning'] as const;

export const EventSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  involvedObject: ObjectReferenceSchema.describe('The object this event is about.'),
  reason: opt(str(), 'A short CamelCase reason for the transition, e.g. Scheduled or BackOff.'),
  message: opt(str(), 'A human-readable description.'),
  source: opt(obj({ component: opt(str()), host: opt(str()) }), 'The component (and host) that reported the event.'),
  firstTimestamp: opt(time(), 'When the event was first recorded.'),
  lastTimestamp: opt(time(), 'When the most recent occurrence was recorded.'),
  count: opt(int(), 'How many times the event occurred.'),
  type: opt(str(), 'Normal or Warning.'),
  eventTime: opt(time(), 'When the event was first observed (microsecond precision).'),
  series: opt(obj({ count: opt(int()), lastObservedTime: opt(time()) }), 'Data about a series of repeated events.'),
  action: opt(str(), 'What action was taken or failed.'),
  related: opt(ObjectReferenceSchema, 'A secondary object involved.'),
  reportingComponent: opt(str(), 'Name of the controller that emitted the event, e.g. kubernetes.io/kubelet.'),
  reportingInstance: opt(str(), 'Id of the controller instance, e.g. kubelet-node-1.'),
});
export type Event = z.infer<typeof EventSchema>;

/** events about a cluster-scoped object go in "default" (or no namespace) */
export function validateEventNamespace(eventNs: string | undefined, objNs: string | undefined, field: string): StatusCause[] {
  const ns = eventNs ?? '';
  if (!objNs) return ns === '' || ns === 'default' ? [] : [fieldInvalid(field, objNs ?? '', 'does not match event.namespace')];
  return ns === objNs ? [] : [fieldInvalid(field, objNs, 'does not match event.namespace')];
}

function validateEvent(e: Event): StatusCause[] {
  const causes = validateEventNamespace(e.metadata.namespace, e.involvedObject.namespace, 'involvedObject.namespace');
  causes.push(...validateEnum(e.type || undefined, EVENT_TYPES, 'type'));
  if ((e.reason ?? '').length > 128) causes.push(fieldTooLong('reason', 128));
  if ((e.action ?? '').length > 128) causes.push(fieldTooLong('action', 128));
  return causes;
}

export const eventKind = defineKind<Event>({
  type: resources.events,
  schema: EventSchema,
  validate: validateEvent,
  fields: (e) => ({
    'involvedObject.kind': e.involvedObject.kind ?? '',
    'involvedObject.namespace': e.involvedObject.namespace ?? '',
    'involvedObject.name': e.involvedObject.name ?? '',
    'involvedObject.uid': e.involvedObject.uid ?? '',
    'involvedObject.apiVersion': e.involvedObject.apiVersion ?? '',
    'involvedObject.resourceVersion': e.involvedObject.resourceVersion ?? '',
    'involvedObject.fieldPath': e.involvedObject.fieldPath ?? '',
    reason: e.reason ?? '',
    reportingComponent: e.reportingComponent ?? '',
    source: e.source?.component ?? '',
    type: e.type ?? '',
  }),
});
