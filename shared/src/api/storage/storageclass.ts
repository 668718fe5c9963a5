// StorageClass (storage.k8s.io/v1): a kind of storage dynamic provisioning can create.
// Defaults: reclaimPolicy Delete, volumeBindingMode Immediate. provisioner, parameters,
// reclaimPolicy and volumeBindingMode cannot change after creation.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { bool, obj, opt, str, strList, strMap, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { deepEqual, fieldForbidden, fieldInvalid, fieldRequired, validateEnum } from '../validation/field.ts';
import { isQualifiedName } from '../validation/names.ts';

export const StorageClassSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  provisioner: str().describe('The volume plugin (CSI driver) that provisions volumes of this class.'),
  parameters: opt(strMap(), 'Provisioner-specific parameters.'),
  reclaimPolicy: opt(str(), 'Delete (default) or Retain, for dynamically provisioned volumes.'),
  mountOptions: opt(strList(), 'Mount options for the volumes.'),
  allowVolumeExpansion: opt(bool(), 'Whether claims of this class may grow.'),
  volumeBindingMode: opt(str(), 'Immediate (default) or WaitForFirstConsumer (bind once a pod is scheduled).'),
  allowedTopologies: opt(
    z.array(obj({ matchLabelExpressions: opt(z.array(obj({ key: str(), values: strList() }))) })),
    'Where volumes may be provisioned.',
  ),
});
export type StorageClass = z.infer<typeof StorageClassSchema>;

function validateStorageClass(sc: StorageClass): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!sc.provisioner) causes.push(fieldRequired('provisioner'));
  else for (const m of isQualifiedName(sc.provisioner.toLowerCase())) causes.push(fieldInvalid('provisioner', sc.provisioner, m));
  causes.push(...validateEnum(sc.reclaimPolicy, ['Delete', 'Retain'], 'reclaimPolicy'));
  causes.push(...validateEnum(sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer'], 'volumeBindingMode'));
  return causes;
}

function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!deepEqual(sc.parameters ?? {}, old.parameters ?? {})) causes.push(fieldForbidden('parameters', 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner) causes.push(fieldForbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy) causes.push(fieldForbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (sc.volumeBindingMode !== old.volumeBindingMode) causes.push(fieldInvalid('volumeBindingMode', sc.volumeBindingMode ?? '', 'field is immutable'));
  return causes;
}

export const storageClassKind = defineKind<StorageClass>({
  type: resources.storageclasses,
  schema: StorageClassSchema,
  defaults(sc) {
    sc.reclaimPolicy ??= 'Delete';
    sc.volumeBindingMode ??= 'Immediate';
  },
  validate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
});
