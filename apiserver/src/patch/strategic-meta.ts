// Strategic-merge metadata: for the Kubernetes types that need it, which list fields merge
// by a key (`containers` by `name`), which primitive lists merge as sets (`finalizers`),
// which structs replace unset siblings (`retainKeys`), and how to reach nested types.
// These are the `patchStrategy`/`patchMergeKey` tags of k8s.io/api; strategic.ts merges by
// them and the OpenAPI documents publish them as x-kubernetes-patch-strategy/-merge-key.
// A list without an entry here is atomic: a patch replaces it whole (tolerations, taints).

import type { ResourceType } from '@kubesim/shared';

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

export interface PatchFieldMeta {
  strategy?: PatchStrategy;
  /** for lists of objects merged by key */
  mergeKey?: string;
  /** definition name of the value (the element type for lists, the value type for maps) */
  type?: string;
}

/** definition name → field name → metadata; definition names are Kubernetes' OpenAPI names */
export type PatchMetaTable = Readonly<Record<string, Readonly<Record<string, PatchFieldMeta>>>>;

const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const core = 'io.k8s.api.core.v1.';
const apps = 'io.k8s.api.apps.v1.';
const batch = 'io.k8s.api.batch.v1.';
const policy = 'io.k8s.api.policy.v1.';
const discovery = 'io.k8s.api.discovery.v1.';

const merge = (mergeKey: string, type?: string): PatchFieldMeta => (type ? { strategy: 'merge', mergeKey, type } : { strategy: 'merge', mergeKey });
const mergeSet: PatchFieldMeta = { strategy: 'merge' };
const of = (type: string): PatchFieldMeta => ({ type });
const conditionsByType = (type: string): PatchFieldMeta => merge('type', type);

/** The top-level shape of a kind whose object has metadata/spec/status. */
function kindMeta(spec?: string, status?: string): Record<string, PatchFieldMeta> {
  const fields: Record<string, PatchFieldMeta> = { metadata: of(`${meta}ObjectMeta`) };
  if (spec) fields['spec'] = of(spec);
  if (status) fields['status'] = of(status);
  return fields;
}

const containerFields: Record<string, PatchFieldMeta> = {
  ports: merge('containerPort', `${core}ContainerPort`),
  env: merge('name', `${core}EnvVar`),
  volumeMounts: merge('mountPath', `${core}VolumeMount`),
  volumeDevices: merge('devicePath', `${core}VolumeDevice`),
  resources: of(`${core}ResourceRequirements`),
};

export const patchMeta: PatchMetaTable = {
  [`${meta}ObjectMeta`]: {
    finalizers: mergeSet,
    ownerReferences: merge('uid', `${meta}OwnerReference`),
  },
  [`${core}PodTemplateSpec`]: kindMeta(`${core}PodSpec`),
  [`${core}PodSpec`]: {
    volumes: { strategy: 'merge,retainKeys', mergeKey: 'name', type: `${core}Volume` },
    initContainers: merge('name', `${core}Container`),
    containers: merge('name', `${core}Container`),
    ephemeralContainers: merge('name', `${core}EphemeralContainer`),
    imagePullSecrets: merge('name', `${core}LocalObjectReference`),
    hostAliases: merge('ip', `${core}HostAlias`),
    topologySpreadConstraints: merge('topologyKey', `${core}TopologySpreadConstraint`),
    schedulingGates: merge('name', `${core}PodSchedulingGate`),
    resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name', type: `${core}PodResourceClaim` },
  },
  [`${core}Container`]: containerFields,
  [`${core}EphemeralContainer`]: containerFields,
  [`${core}PodStatus`]: {
    conditions: conditionsByType(`${core}PodCondition`),
    podIPs: merge('ip', `${core}PodIP`),
    hostIPs: merge('ip', `${core}HostIP`),
    resourceClaimStatuses: { strategy: 'merge,retainKeys', mergeKey: 'name', type: `${core}PodResourceClaimStatus` },
  },
  [`${core}Pod`]: kindMeta(`${core}PodSpec`, `${core}PodStatus`),
  [`${core}PodTemplate`]: { metadata: of(`${meta}ObjectMeta`), template: of(`${core}PodTemplateSpec`) },
  [`${core}Node`]: kindMeta(`${core}NodeSpec`, `${core}NodeStatus`),
  [`${core}NodeSpec`]: { podCIDRs: mergeSet },
  [`${core}NodeStatus`]: {
    conditions: conditionsByType(`${core}NodeCondition`),
    addresses: merge('type', `${core}NodeAddress`),
  },
  [`${core}Service`]: kindMeta(`${core}ServiceSpec`, `${core}ServiceStatus`),
  [`${core}ServiceSpec`]: { ports: merge('port', `${core}ServicePort`) },
  [`${core}ServiceStatus`]: { conditions: conditionsByType(`${meta}Condition`) },
  [`${core}Namespace`]: kindMeta(`${core}NamespaceSpec`, `${core}NamespaceStatus`),
  [`${core}NamespaceStatus`]: { conditions: conditionsByType(`${core}NamespaceCondition`) },
  [`${core}PersistentVolumeClaim`]: kindMeta(`${core}PersistentVolumeClaimSpec`, `${core}PersistentVolumeClaimStatus`),
  [`${core}PersistentVolumeClaimStatus`]: { conditions: conditionsByType(`${core}PersistentVolumeClaimCondition`) },
  [`${core}ServiceAccount`]: { metadata: of(`${meta}ObjectMeta`), secrets: merge('name', `${core}ObjectReference`) },
  [`${core}ConfigMap`]: { metadata: of(`${meta}ObjectMeta`) },
  [`${core}Secret`]: { metadata: of(`${meta}ObjectMeta`) },
  [`${core}Endpoints`]: { metadata: of(`${meta}ObjectMeta`) },
  [`${core}Event`]: { metadata: of(`${meta}ObjectMeta`) },
  [`${core}PersistentVolume`]: kindMeta(`${core}PersistentVolumeSpec`, `${core}PersistentVolumeStatus`),
  [`${apps}Deployment`]: kindMeta(`${apps}DeploymentSpec`, `${apps}DeploymentStatus`),
  [`${apps}DeploymentSpec`]: { template: of(`${core}PodTemplateSpec`), strategy: { strategy: 'retainKeys', type: `${apps}DeploymentStrategy` } },
  [`${apps}DeploymentStatus`]: { conditions: conditionsByType(`${apps}DeploymentCondition`) },
  [`${apps}ReplicaSet`]: kindMeta(`${apps}ReplicaSetSpec`, `${apps}ReplicaSetStatus`),
  [`${apps}ReplicaSetSpec`]: { template: of(`${core}PodTemplateSpec`) },
  [`${apps}ReplicaSetStatus`]: { conditions: conditionsByType(`${apps}ReplicaSetCondition`) },
  [`${apps}StatefulSet`]: kindMeta(`${apps}StatefulSetSpec`, `${apps}StatefulSetStatus`),
  [`${apps}StatefulSetSpec`]: { template: of(`${core}PodTemplateSpec`) },
  [`${apps}StatefulSetStatus`]: { conditions: conditionsByType(`${apps}StatefulSetCondition`) },
  [`${apps}DaemonSet`]: kindMeta(`${apps}DaemonSetSpec`, `${apps}DaemonSetStatus`),
  [`${apps}DaemonSetSpec`]: { template: of(`${core}PodTemplateSpec`) },
  [`${apps}DaemonSetStatus`]: { conditions: conditionsByType(`${apps}DaemonSetCondition`) },
  [`${apps}ControllerRevision`]: { metadata: of(`${meta}ObjectMeta`) },
  [`${batch}Job`]: kindMeta(`${batch}JobSpec`, `${batch}JobStatus`),
  [`${batch}JobSpec`]: { template: of(`${core}PodTemplateSpec`) },
  [`${batch}JobStatus`]: { conditions: conditionsByType(`${batch}JobCondition`) },
  [`${batch}CronJob`]: kindMeta(`${batch}CronJobSpec`),
  [`${batch}CronJobSpec`]: { jobTemplate: of(`${batch}JobTemplateSpec`) },
  [`${batch}JobTemplateSpec`]: kindMeta(`${batch}JobSpec`),
  [`${policy}PodDisruptionBudget`]: kindMeta(undefined, `${policy}PodDisruptionBudgetStatus`),
  [`${policy}PodDisruptionBudgetStatus`]: { conditions: conditionsByType(`${meta}Condition`) },
  [`${discovery}EndpointSlice`]: { metadata: of(`${meta}ObjectMeta`) },
};

/** Kubernetes' OpenAPI package prefix of a group/version (`io.k8s.api.apps.v1.`). */
export function definitionPrefix(group: string, version: string): string {
  const pkg = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/\.authorization$/, '');
  return `io.k8s.api.${pkg}.${version}.`;
}

/** group → version → kind → definition name */
const definitionNames = new Map<string, Map<string, Map<string, string>>>();
let rememberedNames = 0;

/** The definition name of a kind's top-level type, e.g. `io.k8s.api.apps.v1.Deployment`. */
export function definitionNameOf(type: Pick<ResourceType, 'group' | 'version' | 'kind'>): string {
  // (every write asks: made once per group/version and kind, a bounded number remembered)
  let byKind = definitionNames.get(type.group)?.get(type.version);
  let name = byKind?.get(type.kind);
  if (name !== undefined) return name;
  name = definitionPrefix(type.group, type.version) + type.kind;
  if (rememberedNames < 1024) {
    let byVersion = definitionNames.get(type.group);
    if (byVersion === undefined) definitionNames.set(type.group, (byVersion = new Map()));
    if (byKind === undefined) byVersion.set(type.version, (byKind = new Map()));
    byKind.set(type.kind, name);
    rememberedNames++;
  }
  return name;
}

