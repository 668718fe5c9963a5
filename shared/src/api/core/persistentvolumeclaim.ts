// PersistentVolumeClaim (core/v1): a request for storage, bound to a PersistentVolume.
// Defaults: volumeMode Filesystem, status.phase Pending. Validation: access modes and a
// positive storage request; after creation the spec is immutable except volumeName (set
// once, by binding) and, for bound claims, growing resources.requests.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { tryParseQuantity } from '../../meta/quantity.ts';
import { defineKind } from '../common/define.ts';
import { ConditionSchema } from '../common/conditions.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { QuantitySchema, ResourceListSchema, validateResourceList } from '../common/quantity.ts';
import { obj, opt, str, strList, typeMetaShape } from '../common/schema.ts';
import { LabelSelectorSchema, validateLabelSelector } from '../common/selector.ts';
import { resources } from '../resources.ts';
import { at, deepEqual, fieldForbidden, fieldInvalid, fieldRequired, key, validateEnum, type FieldPath } from '../validation/field.ts';

/** Kubernetes' StorageObjectInUseProtection: the apiserver gives every new claim and volume
 *  these finalizers; the pvc-protection and pv-protection controllers remove them once
 *  nothing uses the object any more */
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const VOLUME_MODES = ['Block', 'Filesystem'];

export const TypedObjectReferenceSchema = obj({
  apiGroup: opt(str()),
  kind: str(),
  name: str(),
  namespace: opt(str()),
});

export const PersistentVolumeClaimSpecSchema = obj({
  accessModes: opt(strList(), 'Access modes wanted: ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.'),
  selector: opt(LabelSelectorSchema, 'Only bind to volumes with these labels.'),
  resources: opt(obj({ requests: opt(ResourceListSchema), limits: opt(ResourceListSchema) }), 'Minimum resources (storage) the volume must have.'),
  volumeName: opt(str(), 'Name of the PersistentVolume bound to this claim.'),
  storageClassName: opt(str(), 'StorageClass to provision from; "" means no class.'),
  volumeMode: opt(str(), 'Filesystem or Block (default Filesystem).'),
  dataSource: opt(TypedObjectReferenceSchema, 'An existing snapshot or claim to populate the volume from.'),
  dataSourceRef: opt(TypedObjectReferenceSchema, 'A populator object to fill the volume from.'),
  volumeAttributesClassName: opt(str()),
});
export type PersistentVolumeClaimSpec = z.infer<typeof PersistentVolumeClaimSpecSchema>;

export const PersistentVolumeClaimSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(PersistentVolumeClaimSpecSchema, 'What storage the claim wants.'),
  status: opt(
    obj({
      phase: opt(str(), 'Pending, Bound or Lost.'),
      accessModes: opt(strList(), 'Access modes of the bound volume.'),
      capacity: opt(ResourceListSchema, 'Actual resources of the bound volume.'),
      conditions: opt(z.array(ConditionSchema)),
      allocatedResources: opt(z.record(z.string(), QuantitySchema)),
      allocatedResourceStatuses: opt(z.record(z.string(), z.string())),
      currentVolumeAttributesClassName: opt(str()),
    }),
    'Observed state of the claim.',
  ),
});
export type PersistentVolumeClaim = z.infer<typeof PersistentVolumeClaimSchema>;

export function setPVCSpecDefaults(spec: PersistentVolumeClaimSpec | undefined): void {
  if (spec) spec.volumeMode ??= 'Filesystem';
}

/** the claim spec rules shared by PVCs, ephemeral volumes and StatefulSet claim templates */
export function validatePVCSpec(spec: PersistentVolumeClaimSpec | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const modes = spec?.accessModes ?? [];
  if (modes.length === 0) causes.push(fieldRequired(at(path, 'accessModes'), 'at least 1 access mode is required'));
  modes.forEach((m) => causes.push(...validateEnum(m, ACCESS_MODES, at(path, 'accessModes'))));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    causes.push(fieldForbidden(at(path, 'accessModes'), 'may not use ReadWriteOncePod with other access modes'));
  }
  causes.push(...validateLabelSelector(spec?.selector, at(path, 'selector')));
  const storage = spec?.resources?.requests?.['storage'];
  const storagePath = key(at(path, 'resources'), 'storage');
  if (storage === undefined) causes.push(fieldRequired(storagePath));
  else {
    const q = tryParseQuantity(storage);
    if (q && q.sign() <= 0) causes.push(fieldInvalid(storagePath, String(storage), 'must be greater than zero'));
  }
  causes.push(...validateResourceList(spec?.resources?.requests, at(path, 'resources', 'requests')));
  causes.push(...validateResourceList(spec?.resources?.limits, at(path, 'resources', 'limits')));
  causes.push(...validateEnum(spec?.volumeMode, VOLUME_MODES, at(path, 'volumeMode')));
  return causes;
}

function validatePVCUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): StatusCause[] {
  const causes: StatusCause[] = [];
  const next = structuredClone(pvc.spec ?? {});
  const prev = structuredClone(old.spec ?? {});
  if (!prev.volumeName && next.volumeName !== undefined) prev.volumeName = next.volumeName;
  const bound = old.status?.phase === 'Bound';
  if (bound) {
    const newStorage = tryParseQuantity(next.resources?.requests?.['storage'] ?? '');
    const oldStorage = tryParseQuantity(prev.resources?.requests?.['storage'] ?? '');
    if (newStorage && oldStorage && newStorage.cmp(oldStorage) < 0) {
      causes.push(fieldForbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    }
    if (next.resources) prev.resources = next.resources;
    if (next.volumeAttributesClassName !== undefined) prev.volumeAttributesClassName = next.volumeAttributesClassName;
  }
  if (!deepEqual(next, prev)) {
    causes.push(fieldForbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  return causes;
}

export const persistentVolumeClaimKind = defineKind<PersistentVolumeClaim>({
  type: resources.persistentvolumeclaims,
  schema: PersistentVolumeClaimSchema,
  defaults(pvc) {
    pvc.spec ??= {};
    setPVCSpecDefaults(pvc.spec);
    pvc.status ??= {};
    pvc.status.phase ??= 'Pending';
  },
  validate: (pvc) => validatePVCSpec(pvc.spec, 'spec'),
  validateUpdate: validatePVCUpdate,
});
