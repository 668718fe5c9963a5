// Event (events.k8s.io/v1): the newer event shape (regarding, note, reportingController,
// eventTime), stored alongside core/v1 Events. Validation as Kubernetes on create:
// eventTime, reportingController, reportingInstance, action and reason required; type
// Normal or Warning; note at most 1 KiB. Field selectors use core/v1 names.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { ObjectReferenceSchema } from '../common/object-reference.ts';
import { int, obj, opt, str, time, typeMetaShape } from '../common/schema.ts';
import { validateEventNamespace } from '../core/event.ts';
import { resources } from '../resources.ts';
import { fieldInvalid, fieldRequired, fieldTooLong, validateEnum } from '../validation/field.ts';
import { isQualifiedName } from '../validation/names.ts';

export const EventV1Schema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  eventTime: opt(time(), 'When the event was first observed (microseconds); required.'),
  series: opt(obj({ count: int(), lastObservedTime: time() }), 'Data about a series of repeated events.'),
  reportingController: opt(str(), 'The controller that emitted the event, e.g. kubernetes.io/kubelet.'),
  reportingInstance: opt(str(), 'Id of the controller instance.'),
  action: opt(str(), 'What action was taken or failed.'),
  reason: opt(str(), 'Why the action was taken, in CamelCase.'),
  regarding: opt(ObjectReferenceSchema, 'The object this event is about.'),
  related: opt(ObjectReferenceSchema, 'A secondary object.'),
  note: opt(str(), 'A human-readable description (at most 1 KiB).'),
  type: opt(str(), 'Normal or Warning.'),
  deprecatedSource: opt(obj({ component: opt(str()), host: opt(str()) })),
  deprecatedFirstTimestamp: opt(time()),
  deprecatedLastTimestamp: opt(time()),
  deprecatedCount: opt(int()),
});
export type EventV1 = z.infer<typeof EventV1Schema>;

function validateEventV1(e: EventV1): StatusCause[] {
  const causes = validateEventNamespace(e.metadata.namespace, e.regarding?.namespace, 'regarding.namespace');
  if (!e.eventTime) causes.push(fieldRequired('eventTime'));
  if (!e.reportingController) causes.push(fieldRequired('reportingController'));
  else for (const m of isQualifiedName(e.reportingController)) causes.push(fieldInvalid('reportingController', e.reportingController, m));
  if (!e.reportingInstance) causes.push(fieldRequired('reportingInstance'));
  if (!e.action) causes.push(fieldRequired('action'));
  if (!e.reason) causes.push(fieldRequired('reason'));
  if ((e.reason ?? '').length > 128) causes.push(fieldTooLong('reason', 128));
  if ((e.action ?? '').length > 128) causes.push(fieldTooLong('action', 128));
  if ((e.note ?? '').length > 1024) causes.push(fieldTooLong('note', 1024));
  if (!e.type) causes.push(fieldRequired('type'));
  else causes.push(...validateEnum(e.type, ['Normal', 'Warning'], 'type'));
  return causes;
}

export const eventV1Kind = defineKind<EventV1>({
  type: resources.eventsV1,
  schema: EventV1Schema,
  validate: validateEventV1,
  fields: (e) => ({
    'involvedObject.kind': e.regarding?.kind ?? '',
    'involvedObject.namespace': e.regarding?.namespace ?? '',
    'involvedObject.name': e.regarding?.name ?? '',
    'involvedObject.uid': e.regarding?.uid ?? '',
    'involvedObject.apiVersion': e.regarding?.apiVersion ?? '',
    'involvedObject.resourceVersion': e.regarding?.resourceVersion ?? '',
    'involvedObject.fieldPath': e.regarding?.fieldPath ?? '',
    reason: e.reason ?? '',
    reportingComponent: e.reportingController ?? '',
    source: e.deprecatedSource?.component ?? '',
    type: e.type ?? '',
  }),
});
