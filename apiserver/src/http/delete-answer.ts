// What an HTTP DELETE of one object answers, as Kubernetes' generic registry decides:
// - the object was removed at once: a `Status` Success whose details name the object
//   (details.kind is the resource plural, and details.uid lets `kubectl delete --wait`
//   tell the old object from a new one of the same name); except for kinds whose storage
//   sets ReturnDeletedObject (strategy.ts), which answer with the deleted object;
// - the delete only marked it (deletionTimestamp: a graceful pod, pending finalizers, a
//   namespace being emptied): the object as marked, 200, or 202 when the caller asked for
//   orphanDependents=false. A dry run answers as the real delete would.
// The in-process Client keeps the registry's own { object, deleted } result.
import { apiVersionOf } from '@kubesim/shared';
import type { DeleteOptions, KubeObject, ResourceType } from '@kubesim/shared';
import type { DeleteResult } from '../registry/registry.ts';
import { strategyFor } from '../registry/strategy.ts';

export interface DeleteAnswer {
  code: number;
  body: object;
}

/** the Status a removed object is reported with (kind Status, no `code` field, as Kubernetes) */
export function deletedStatus(type: ResourceType, obj: KubeObject): Record<string, unknown> {
  const details: Record<string, unknown> = { name: obj.metadata.name ?? '' };
  if (type.group) details['group'] = type.group;
  details['kind'] = type.resource;
  if (obj.metadata.uid) details['uid'] = obj.metadata.uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

export function deleteAnswer(type: ResourceType, result: DeleteResult, opts: Pick<DeleteOptions, 'orphanDependents'>): DeleteAnswer {
  if (result.deleted) {
    if (strategyFor(type).returnDeletedObject) return { code: 200, body: withTypeMeta(type, result.object) };
    return { code: 200, body: deletedStatus(type, result.object) };
  }
  // Kubernetes answers 202 here only for the deprecated orphanDependents=false, for old clients' sake
  return { code: opts.orphanDependents === false ? 202 : 200, body: withTypeMeta(type, result.object) };
}

function withTypeMeta(type: ResourceType, obj: KubeObject): KubeObject {
  if (obj.kind && obj.apiVersion) return obj;
  return { ...obj, apiVersion: apiVersionOf(type), kind: type.kind };
}
