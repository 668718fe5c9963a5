// Kubernetes object types the kit's users meet most, re-exported so a property file needs
// one import: `import type { Pod, Deployment } from '@kubesim/test'`.
export type { DaemonSet, Deployment, Job, KubeObject, Node, Pod, PodSpec, ReplicaSet, StatefulSet } from '@kubesim/shared';
export type { NodePoolConfig, NodePoolSpec } from '@kubesim/kubelet-sim';
