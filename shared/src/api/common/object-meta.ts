// The ObjectMeta schema and its validation (apimachinery's ValidateObjectMeta and
// ValidateObjectMetaUpdate): the name by the kind's rule, namespace presence by scope,
// labels, annotations, owner references and finalizers. The apiserver sets uid,
// resourceVersion, timestamps and generation itself; they are only checked on update.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import type { ObjectMeta } from '../meta.ts';
import {
  at,
  fieldForbidden,
  fieldInvalid,
  fieldRequired,
  fieldTooLong,
  validateImmutableField,
  validateNonnegative,
  type FieldPath,
} from '../validation/field.ts';
import { isDNS1123Label, isQualifiedName } from '../validation/names.ts';
import { anyJson, bool, int, obj, opt, str, strList, strMap, time } from './schema.ts';
import { validateLabels } from './selector.ts';

export const OwnerReferenceSchema = obj({
  apiVersion: str().describe('API version of the owner.'),
  kind: str().describe('Kind of the owner.'),
  name: str().describe('Name of the owner.'),
  uid: str().describe('UID of the owner.'),
  controller: opt(bool(), 'True if the owner is the managing controller (at most one owner may be).'),
  blockOwnerDeletion: opt(bool(), 'If true, foreground deletion of the owner waits for this object to be deleted.'),
});

export const ManagedFieldsEntrySchema = obj({
  manager: opt(str(), 'The workflow that manages these fields.'),
  operation: opt(z.enum(['Apply', 'Update']), 'Apply or Update.'),
  apiVersion: opt(str()),
  time: opt(time()),
  fieldsType: opt(z.literal('FieldsV1')),
  fieldsV1: opt(z.record(z.string(), anyJson())),
  subresource: opt(str()),
});

export const ObjectMetaSchema = obj({
  name: opt(str(), 'Unique name within a namespace (or the cluster, for cluster-scoped kinds). Cannot be updated.'),
  generateName: opt(str(), 'A prefix the server uses to generate a unique name when name is not given.'),
  namespace: opt(str(), 'The namespace the object lives in; empty for cluster-scoped kinds.'),
  uid: opt(str(), 'Unique id assigned by the server at creation; never reused.'),
  resourceVersion: opt(str(), 'Opaque version of this object, for optimistic concurrency and watches.'),
  generation: opt(int(), 'Sequence number of changes to the desired state (spec); set by the server.'),
  creationTimestamp: opt(time(), 'When the server created the object.'),
  deletionTimestamp: opt(time(), 'When the object will be (or started being) deleted; set by the server.'),
  deletionGracePeriodSeconds: opt(int(), 'Seconds the object has to terminate gracefully before removal.'),
  labels: opt(strMap(), 'Key/value pairs used to organize and select objects.'),
  annotations: opt(strMap(), 'Unstructured key/value data for tools and extensions; not used for selection.'),
  ownerReferences: opt(z.array(OwnerReferenceSchema), 'Objects this one depends on; garbage collected when all owners are gone.'),
  finalizers: opt(strList(), 'Keys that must be removed before the object is deleted from storage.'),
  managedFields: opt(z.array(ManagedFieldsEntrySchema), 'Which manager owns which fields (server-side apply).'),
});
export type ObjectMetaValue = z.infer<typeof ObjectMetaSchema>;

export const ListMetaSchema = obj({
  resourceVersion: opt(str(), 'The version of the list, to watch from.'),
  continue: opt(str(), 'Token to fetch the next page of a paginated list.'),
  remainingItemCount: opt(int(), 'Estimated number of items not yet returned.'),
});

/** how a kind's names are checked; `prefix` is true for generateName (a trailing '-' is fine) */
export type NameValidator = (name: string, prefix: boolean) => string[];


const STANDARD_FINALIZERS = ['orphan', 'foregroundDeletion', 'kubernetes'];
const TOTAL_ANNOTATION_BYTES = 256 * 1024;

export function validateAnnotations(annotations: Record<string, string> | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) causes.push(fieldInvalid(path, k, m));
    size += k.length + v.length;
  }
  if (size > TOTAL_ANNOTATION_BYTES) causes.push(fieldTooLong(path, TOTAL_ANNOTATION_BYTES));
  return causes;
}

function validateOwnerReferences(refs: ObjectMeta['ownerReferences'], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const controllers: string[] = [];
  (refs ?? []).forEach((ref, i) => {
    const p = at(path, i);
    if (!ref.apiVersion) causes.push(fieldInvalid(at(p, 'apiVersion'), ref.apiVersion, 'version must not be empty'));
    if (!ref.kind) causes.push(fieldInvalid(at(p, 'kind'), ref.kind, 'kind must not be empty'));
    if (!ref.name) causes.push(fieldInvalid(at(p, 'name'), ref.name, 'name must not be empty'));
    if (!ref.uid) causes.push(fieldInvalid(at(p, 'uid'), ref.uid, 'uid must not be empty'));
    if (ref.controller) controllers.push(`${ref.kind}/${ref.name}`);
  });
  if (controllers.length > 1) {
    causes.push(
      fieldInvalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`),
    );
  }
  return causes;
}

function validateFinalizers(finalizers: string[] | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  (finalizers ?? []).forEach((f, i) => {
    const p = at(path, i);
    const errs = isQualifiedName(f);
    for (const m of errs) causes.push(fieldInvalid(p, f, m));
    if (errs.length === 0 && !f.includes('/') && !STANDARD_FINALIZERS.includes(f)) {
      causes.push(fieldInvalid(p, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
    if (seen.has(f)) causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(f)}`, field: p });
    seen.add(f);
  });
  return causes;
}

/** ValidateObjectMeta: `namespaced` says whether metadata.namespace is required or forbidden */
export function validateObjectMeta(
  meta: ObjectMeta,
  namespaced: boolean,
  nameRule: NameValidator,
  path: FieldPath = 'metadata',
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (meta.generateName) {
    for (const m of nameRule(meta.generateName, true)) causes.push(fieldInvalid(at(path, 'generateName'), meta.generateName, m));
  }
  if (!meta.name) {
    if (!meta.generateName) causes.push(fieldRequired(at(path, 'name'), 'name or generateName is required'));
  } else {
    for (const m of nameRule(meta.name, false)) causes.push(fieldInvalid(at(path, 'name'), meta.name, m));
  }
  if (namespaced) {
    if (!meta.namespace) causes.push(fieldRequired(at(path, 'namespace')));
    else for (const m of isDNS1123Label(meta.namespace)) causes.push(fieldInvalid(at(path, 'namespace'), meta.namespace, m));
  } else if (meta.namespace) {
    causes.push(fieldForbidden(at(path, 'namespace'), 'not allowed on this type'));
  }
  causes.push(...validateNonnegative(meta.generation, at(path, 'generation')));
  causes.push(...validateLabels(meta.labels, at(path, 'labels')));
  causes.push(...validateAnnotations(meta.annotations, at(path, 'annotations')));
  causes.push(...validateOwnerReferences(meta.ownerReferences, at(path, 'ownerReferences')));
  causes.push(...validateFinalizers(meta.finalizers, at(path, 'finalizers')));
  return causes;
}

/** ValidateObjectMetaUpdate: identity fields never change */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, path: FieldPath = 'metadata'): StatusCause[] {
  const causes: StatusCause[] = [];
  causes.push(...validateImmutableField(meta.name, old.name, at(path, 'name')));
  causes.push(...validateImmutableField(meta.namespace, old.namespace, at(path, 'namespace')));
  if (old.uid) causes.push(...validateImmutableField(meta.uid, old.uid, at(path, 'uid')));
  if (old.creationTimestamp) causes.push(...validateImmutableField(meta.creationTimestamp, old.creationTimestamp, at(path, 'creationTimestamp')));
  if (old.deletionTimestamp) causes.push(...validateImmutableField(meta.deletionTimestamp, old.deletionTimestamp, at(path, 'deletionTimestamp')));
  if (old.deletionGracePeriodSeconds !== undefined && meta.deletionGracePeriodSeconds !== undefined) {
    causes.push(...validateImmutableField(meta.deletionGracePeriodSeconds, old.deletionGracePeriodSeconds, at(path, 'deletionGracePeriodSeconds')));
  }
  return causes;
}

/** PodTemplate/JobTemplate metadata: labels and annotations only (no name or namespace rule) */
export function validateTemplateMeta(meta: ObjectMeta | undefined, path: FieldPath): StatusCause[] {
  if (!meta) return [];
  return [...validateLabels(meta.labels, at(path, 'labels')), ...validateAnnotations(meta.annotations, at(path, 'annotations'))];
}
