// PersistentVolume (core/v1): a piece of storage in the cluster, bound to at most one
// claim. Defaults: reclaim policy Retain, volumeMode Filesystem, status.phase Pending.
// Validation: capacity.storage and access modes required, exactly one volume source; the
// source and volumeMode are immutable.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { ObjectReferenceSchema } from '../common/object-reference.ts';
import { ResourceListSchema, validateResourceList } from '../common/quantity.ts';
import { obj, opt, str, strList, time, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { at, fieldForbidden, fieldNotSupported, fieldRequired, validateEnum, validateImmutableField } from '../validation/field.ts';
import { NodeSelectorSchema, validateNodeSelector } from './affinity.ts';
import { ACCESS_MODES, VOLUME_MODES } from './persistentvolumeclaim.ts';
import { CSIVolumeSourceSchema, HostPathVolumeSourceSchema, NFSVolumeSourceSchema } from './volume.ts';

export const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc',
  'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'local', 'storageos', 'csi',
] as const;

export const PersistentVolumeSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(
    obj({
      capacity: opt(ResourceListSchema, 'The volume\'s capacity; only `storage` is supported.'),
      accessModes: opt(strList(), 'How the volume can be mounted: ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.'),
      claimRef: opt(ObjectReferenceSchema, 'The claim bound to this volume.'),
      persistentVolumeReclaimPolicy: opt(str(), 'What happens when the claim is released: Retain (default for static volumes), Delete or Recycle.'),
      storageClassName: opt(str(), 'The StorageClass this volume belongs to.'),
      mountOptions: opt(strList()),
      volumeMode: opt(str(), 'Filesystem (default) or Block.'),
      nodeAffinity: opt(obj({ required: opt(NodeSelectorSchema) }), 'Nodes this volume can be accessed from.'),
      volumeAttributesClassName: opt(str()),
      hostPath: opt(HostPathVolumeSourceSchema, 'A directory on the node (single-node testing only).'),
      local: opt(obj({ path: str(), fsType: opt(str()) }), 'A local disk or directory on one node.'),
      nfs: opt(NFSVolumeSourceSchema, 'An NFS share.'),
      csi: opt(CSIVolumeSourceSchema.extend({ volumeHandle: str() }), 'A volume from a CSI driver.'),
    }),
    'The volume\'s properties.',
  ),
  status: opt(
    obj({ phase: opt(str(), 'Pending, Available, Bound, Released or Failed.'), message: opt(str()), reason: opt(str()), lastPhaseTransitionTime: opt(time()) }),
    'The current state of the volume.',
  ),
});
export type PersistentVolume = z.infer<typeof PersistentVolumeSchema>;

function validatePV(pv: PersistentVolume): StatusCause[] {
  const spec = pv.spec ?? {};
  const causes: StatusCause[] = [];
  const modes = spec.accessModes ?? [];
  if (modes.length === 0) causes.push(fieldRequired('spec.accessModes'));
  modes.forEach((m) => causes.push(...validateEnum(m, ACCESS_MODES, 'spec.accessModes')));
  const cap = spec.capacity ?? {};
  if (cap['storage'] === undefined) causes.push(fieldRequired('spec.capacity'));
  for (const k of Object.keys(cap)) if (k !== 'storage') causes.push(fieldNotSupported('spec.capacity', k, ['storage']));
  causes.push(...validateResourceList(spec.capacity, 'spec.capacity'));
  causes.push(...validateEnum(spec.persistentVolumeReclaimPolicy, ['Delete', 'Recycle', 'Retain'], 'spec.persistentVolumeReclaimPolicy'));
  causes.push(...validateEnum(spec.volumeMode, VOLUME_MODES, 'spec.volumeMode'));
  const sources = PV_SOURCES.filter((s) => (spec as Record<string, unknown>)[s] !== undefined);
  if (sources.length === 0) causes.push(fieldRequired('spec', 'must specify a volume type'));
  else if (sources.length > 1) causes.push(fieldForbidden(at('spec', sources[1] ?? ''), 'may not specify more than 1 volume type'));
  if (spec.local && !spec.nodeAffinity?.required) causes.push(fieldRequired('spec.nodeAffinity', 'Local volume requires node affinity'));
  if (spec.nodeAffinity?.required) causes.push(...validateNodeSelector(spec.nodeAffinity.required, 'spec.nodeAffinity.required'));
  return causes;
}

function validatePVUpdate(pv: PersistentVolume, old: PersistentVolume): StatusCause[] {
  const pick = (p: PersistentVolume): Record<string, unknown> =>
    Object.fromEntries(PV_SOURCES.map((s) => [s, (p.spec as Record<string, unknown> | undefined)?.[s]]).filter(([, v]) => v !== undefined));
  const causes: StatusCause[] = [];
  if (JSON.stringify(pick(pv)) !== JSON.stringify(pick(old))) {
    causes.push(fieldForbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  causes.push(...validateImmutableField(pv.spec?.volumeMode, old.spec?.volumeMode, 'spec.volumeMode'));
  if (old.spec?.nodeAffinity) causes.push(...validateImmutableField(pv.spec?.nodeAffinity, old.spec.nodeAffinity, 'spec.nodeAffinity'));
  return causes;
}

export const persistentVolumeKind = defineKind<PersistentVolume>({
  type: resources.persistentvolumes,
  schema: PersistentVolumeSchema,
  defaults(pv) {
    const spec = (pv.spec ??= {});
    spec.persistentVolumeReclaimPolicy ??= 'Retain';
    spec.volumeMode ??= 'Filesystem';
    if (spec.hostPath) spec.hostPath.type ??= '';
    (pv.status ??= {}).phase ??= 'Pending';
  },
  validate: validatePV,
  validateUpdate: validatePVUpdate,
});
