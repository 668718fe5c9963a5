// Pod volumes: the common sources typed (emptyDir, hostPath, configMap, secret,
// persistentVolumeClaim, projected, downwardAPI, nfs, csi, ephemeral, image); the others
// pass through as loose objects. Defaults as Kubernetes: no source means emptyDir {},
// file modes 0644 (420), projected token expiry 3600 s, hostPath type "".

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { QuantitySchema } from '../common/quantity.ts';
import { bool, int, obj, opt, str, strMap } from '../common/schema.ts';
import { at, fieldDuplicate, fieldForbidden, fieldRequired, fieldInvalid, type FieldPath } from '../validation/field.ts';
import { isDNS1123Label } from '../validation/names.ts';
import { PersistentVolumeClaimSpecSchema, setPVCSpecDefaults, validatePVCSpec } from './persistentvolumeclaim.ts';

const KeyToPathSchema = obj({ key: str(), path: str(), mode: opt(int()) });
const FieldRefSchema = obj({ apiVersion: opt(str()), fieldPath: str() });
const DownwardAPIFileSchema = obj({
  path: str(),
  fieldRef: opt(FieldRefSchema),
  resourceFieldRef: opt(obj({ containerName: opt(str()), resource: str(), divisor: opt(QuantitySchema) })),
  mode: opt(int()),
});

export const HostPathVolumeSourceSchema = obj({
  path: str().describe('Path of the directory on the node.'),
  type: opt(str(), 'What must exist at the path: "", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice.'),
});
export const NFSVolumeSourceSchema = obj({ server: str(), path: str(), readOnly: opt(bool()) });
export const CSIVolumeSourceSchema = obj({
  driver: str(),
  readOnly: opt(bool()),
  fsType: opt(str()),
  volumeAttributes: opt(strMap()),
  nodePublishSecretRef: opt(obj({ name: opt(str()) })),
});

export const VolumeSchema = obj({
  name: str().describe('Name of the volume, a DNS label unique within the pod.'),
  emptyDir: opt(obj({ medium: opt(str(), '"" (node disk) or Memory.'), sizeLimit: opt(QuantitySchema) }), 'A temporary directory that lives as long as the pod.'),
  hostPath: opt(HostPathVolumeSourceSchema, 'A file or directory on the node.'),
  configMap: opt(
    obj({ name: opt(str()), items: opt(z.array(KeyToPathSchema)), defaultMode: opt(int()), optional: opt(bool()) }),
    'The keys of a ConfigMap as files.',
  ),
  secret: opt(
    obj({ secretName: opt(str()), items: opt(z.array(KeyToPathSchema)), defaultMode: opt(int()), optional: opt(bool()) }),
    'The keys of a Secret as files.',
  ),
  persistentVolumeClaim: opt(obj({ claimName: str(), readOnly: opt(bool()) }), 'A PersistentVolumeClaim in the pod\'s namespace.'),
  projected: opt(
    obj({
      sources: opt(
        z.array(
          obj({
            configMap: opt(obj({ name: opt(str()), items: opt(z.array(KeyToPathSchema)), optional: opt(bool()) })),
            secret: opt(obj({ name: opt(str()), items: opt(z.array(KeyToPathSchema)), optional: opt(bool()) })),
            downwardAPI: opt(obj({ items: opt(z.array(DownwardAPIFileSchema)) })),
            serviceAccountToken: opt(obj({ audience: opt(str()), expirationSeconds: opt(int()), path: str() })),
            clusterTrustBundle: opt(obj({})),
          }),
        ),
      ),
      defaultMode: opt(int()),
    }),
    'Several sources projected into one directory.',
  ),
  downwardAPI: opt(obj({ items: opt(z.array(DownwardAPIFileSchema)), defaultMode: opt(int()) }), 'Pod fields as files.'),
  nfs: opt(NFSVolumeSourceSchema, 'An NFS share.'),
  csi: opt(CSIVolumeSourceSchema, 'An inline volume from a CSI driver.'),
  ephemeral: opt(
    obj({ volumeClaimTemplate: opt(obj({ metadata: opt(ObjectMetaSchema), spec: PersistentVolumeClaimSpecSchema })) }),
    'A claim created with the pod and deleted with it.',
  ),
  image: opt(obj({ reference: opt(str()), pullPolicy: opt(str()) }), 'An OCI image mounted read-only.'),
});
export type Volume = z.infer<typeof VolumeSchema>;

/** every volume source key Kubernetes knows (typed above or passed through) */
export const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'awsElasticBlockStore', 'gcePersistentDisk', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'projected',
  'storageos', 'csi', 'ephemeral', 'image',
] as const;

const DEFAULT_MODE = 0o644;

function sourcesOf(v: Record<string, unknown>): string[] {
  return VOLUME_SOURCES.filter((s) => v[s] !== undefined);
}

function defaultFieldRefs(items: z.infer<typeof DownwardAPIFileSchema>[] | undefined): void {
  for (const item of items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= 'v1';
}

export function setVolumeDefaults(v: Volume): void {
  if (sourcesOf(v).length === 0) v.emptyDir = {};
  if (v.hostPath) v.hostPath.type ??= '';
  if (v.secret) v.secret.defaultMode ??= DEFAULT_MODE;
  if (v.configMap) v.configMap.defaultMode ??= DEFAULT_MODE;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= DEFAULT_MODE;
    defaultFieldRefs(v.downwardAPI.items);
  }
  if (v.projected) {
    v.projected.defaultMode ??= DEFAULT_MODE;
    for (const s of v.projected.sources ?? []) {
      if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      defaultFieldRefs(s.downwardAPI?.items);
    }
  }
  setPVCSpecDefaults(v.ephemeral?.volumeClaimTemplate?.spec);
}

/** names unique DNS labels, exactly one source each; returns the set of names for mount checks */
export function validateVolumes(volumes: Volume[] | undefined, path: FieldPath): { causes: StatusCause[]; names: Set<string> } {
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  (volumes ?? []).forEach((v, i) => {
    const p = at(path, i);
    if (!v.name) causes.push(fieldRequired(at(p, 'name')));
    else {
      for (const m of isDNS1123Label(v.name)) causes.push(fieldInvalid(at(p, 'name'), v.name, m));
      if (names.has(v.name)) causes.push(fieldDuplicate(at(p, 'name'), v.name));
      names.add(v.name);
    }
    const sources = sourcesOf(v);
    if (sources.length === 0) causes.push(fieldRequired(p, 'must specify a volume type'));
    else if (sources.length > 1) causes.push(fieldForbidden(at(p, sources[1] ?? ''), 'may not specify more than 1 volume type'));
    if (v.hostPath && !v.hostPath.path) causes.push(fieldRequired(at(p, 'hostPath', 'path')));
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) causes.push(fieldRequired(at(p, 'persistentVolumeClaim', 'claimName')));
    if (v.nfs && !v.nfs.server) causes.push(fieldRequired(at(p, 'nfs', 'server')));
    if (v.csi && !v.csi.driver) causes.push(fieldRequired(at(p, 'csi', 'driver')));
    if (v.ephemeral) {
      const tpl = v.ephemeral.volumeClaimTemplate;
      if (!tpl) causes.push(fieldRequired(at(p, 'ephemeral', 'volumeClaimTemplate')));
      else causes.push(...validatePVCSpec(tpl.spec, at(p, 'ephemeral', 'volumeClaimTemplate', 'spec')));
    }
  });
  return { causes, names };
}

