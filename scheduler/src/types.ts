// The narrow, structural views of Kubernetes objects the scheduler reads: Pod, Node,
// PodDisruptionBudget, PriorityClass and the volume kinds, as plain Kubernetes JSON
// (field names of k8s.io/api core/v1). Every optional field also admits `undefined`, so
// the zod-inferred types of @kubesim/shared are assignable to these. Objects handed to
// the scheduler are treated as read-only (informer caches freeze them); the scheduler
// never mutates one, it builds a new object or a patch.

import type { KubeObject } from '@kubesim/shared';

export type { KubeObject };

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[] | undefined;
}

export interface LabelSelector {
  matchLabels?: Record<string, string> | undefined;
  matchExpressions?: LabelSelectorRequirement[] | undefined;
}

export type ResourceList = Record<string, string | number>;

export interface ResourceRequirements {
  requests?: ResourceList | undefined;
  limits?: ResourceList | undefined;
}

export interface ContainerPort {
  name?: string | undefined;
  containerPort: number;
  hostPort?: number | undefined;
  hostIP?: string | undefined;
  protocol?: string | undefined;
}

export interface Container {
  name: string;
  image?: string | undefined;
  resources?: ResourceRequirements | undefined;
  ports?: ContainerPort[] | undefined;
  /** `Always` on an init container makes it a sidecar (it keeps running beside the app) */
  restartPolicy?: string | undefined;
}

export interface Toleration {
  key?: string | undefined;
  operator?: string | undefined;
  value?: string | undefined;
  effect?: string | undefined;
  tolerationSeconds?: number | undefined;
}

export interface Taint {
  key: string;
  value?: string | undefined;
  effect: string;
  timeAdded?: string | undefined;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[] | undefined;
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[] | undefined;
  matchFields?: NodeSelectorRequirement[] | undefined;
}

export interface NodeSelector {
  nodeSelectorTerms: NodeSelectorTerm[];
}

export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector | undefined;
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[] | undefined;
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector | undefined;
  namespaces?: string[] | undefined;
  namespaceSelector?: LabelSelector | undefined;
  topologyKey: string;
  matchLabelKeys?: string[] | undefined;
  mismatchLabelKeys?: string[] | undefined;
}

export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

export interface PodAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[] | undefined;
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[] | undefined;
}

export interface Affinity {
  nodeAffinity?: NodeAffinity | undefined;
  podAffinity?: PodAffinity | undefined;
  podAntiAffinity?: PodAffinity | undefined;
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector?: LabelSelector | undefined;
  minDomains?: number | undefined;
  nodeAffinityPolicy?: string | undefined;
  nodeTaintsPolicy?: string | undefined;
  matchLabelKeys?: string[] | undefined;
}

export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean | undefined } | undefined;
  [source: string]: unknown;
}

export interface PodSpec {
  nodeName?: string | undefined;
  schedulerName?: string | undefined;
  priority?: number | undefined;
  priorityClassName?: string | undefined;
  preemptionPolicy?: string | undefined;
  containers: Container[];
  initContainers?: Container[] | undefined;
  overhead?: ResourceList | undefined;
  nodeSelector?: Record<string, string> | undefined;
  affinity?: Affinity | undefined;
  tolerations?: Toleration[] | undefined;
  topologySpreadConstraints?: TopologySpreadConstraint[] | undefined;
  schedulingGates?: { name: string }[] | undefined;
  volumes?: Volume[] | undefined;
}

export interface PodCondition {
  type: string;
  status: string;
  reason?: string | undefined;
  message?: string | undefined;
  lastProbeTime?: string | null | undefined;
  lastTransitionTime?: string | undefined;
}

export interface PodStatus {
  phase?: string | undefined;
  conditions?: PodCondition[] | undefined;
  nominatedNodeName?: string | undefined;
  startTime?: string | undefined;
}

export interface Pod extends KubeObject {
  spec?: PodSpec | undefined;
  status?: PodStatus | undefined;
}

export interface ContainerImage {
  names?: string[] | undefined;
  sizeBytes?: number | undefined;
}

export interface NodeSpec {
  unschedulable?: boolean | undefined;
  taints?: Taint[] | undefined;
}

export interface NodeStatus {
  capacity?: ResourceList | undefined;
  allocatable?: ResourceList | undefined;
  images?: ContainerImage[] | undefined;
}

export interface Node extends KubeObject {
  spec?: NodeSpec | undefined;
  status?: NodeStatus | undefined;
}

export interface PodDisruptionBudget extends KubeObject {
  spec?: { selector?: LabelSelector | undefined; minAvailable?: number | string | undefined; maxUnavailable?: number | string | undefined } | undefined;
  status?: { disruptionsAllowed?: number | undefined; disruptedPods?: Record<string, string> | undefined } | undefined;
}

export interface PriorityClass extends KubeObject {
  value: number;
  globalDefault?: boolean | undefined;
  preemptionPolicy?: string | undefined;
}

export interface PersistentVolumeClaim extends KubeObject {
  spec?: {
    accessModes?: string[] | undefined;
    storageClassName?: string | null | undefined;
    volumeName?: string | undefined;
  } | undefined;
  status?: { phase?: string | undefined } | undefined;
}

export interface PersistentVolume extends KubeObject {
  spec?: {
    nodeAffinity?: { required?: NodeSelector | undefined } | undefined;
    claimRef?: { namespace?: string | undefined; name?: string | undefined } | undefined;
    storageClassName?: string | undefined;
  } | undefined;
  status?: { phase?: string | undefined } | undefined;
}

export interface StorageClass extends KubeObject {
  provisioner?: string | undefined;
  volumeBindingMode?: string | undefined;
}

/** The body POSTed to pods/{name}/binding. */
export interface Binding extends KubeObject {
  apiVersion: 'v1';
  kind: 'Binding';
  target: { apiVersion?: string; kind: 'Node'; name: string };
}

/** Workload objects whose selectors feed PodTopologySpread's default constraints. */
export interface SelectorOwner extends KubeObject {
  spec?: { selector?: LabelSelector | Record<string, string> | undefined } | undefined;
}
