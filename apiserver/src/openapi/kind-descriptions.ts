// What `kubectl explain <kind>` prints under DESCRIPTION: one sentence per kind, in
// kubesim's own words, keyed `group/Kind` ('' for the core group).

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  '/Pod': 'Pod is one or more containers that are scheduled together onto a node and share its network and volumes.',
  '/Node': 'Node is a machine that runs pods; its kubelet reports its capacity and conditions in status.',
  '/Service': 'Service gives a set of pods, chosen by a label selector, one stable name, virtual IP and ports.',
  '/Endpoints': 'Endpoints lists the addresses and ports of the pods behind a Service (the older form of EndpointSlice).',
  '/Namespace': 'Namespace is a scope for names: most objects live in exactly one namespace.',
  '/ConfigMap': 'ConfigMap holds configuration as key-value pairs for pods to read as environment or files.',
  '/Secret': 'Secret holds small amounts of sensitive data, base64-encoded, for pods to read.',
  '/Event': 'Event records something that happened to an object, for kubectl describe and kubectl events.',
  '/PersistentVolume': 'PersistentVolume is a piece of storage in the cluster, bound to at most one claim.',
  '/PersistentVolumeClaim': 'PersistentVolumeClaim asks for storage of a size and access mode; it binds to a PersistentVolume.',
  '/ServiceAccount': 'ServiceAccount is an identity for processes that run in pods.',
  '/ResourceQuota': 'ResourceQuota limits what the objects of one namespace may use in total.',
  '/LimitRange': 'LimitRange sets defaults and bounds for the resources of each pod or container in a namespace.',
  'apps/Deployment': 'Deployment keeps a number of identical pods running and rolls them to a new template through ReplicaSets.',
  'apps/ReplicaSet': 'ReplicaSet keeps a number of pods matching its selector running, creating or deleting pods as needed.',
  'apps/StatefulSet': 'StatefulSet runs pods with stable names, ordinals and storage, created and updated in order.',
  'apps/DaemonSet': 'DaemonSet runs one copy of a pod on every node that its template fits.',
  'apps/ControllerRevision': 'ControllerRevision is an immutable snapshot of a template, kept by DaemonSets and StatefulSets for rollbacks.',
  'batch/Job': 'Job runs pods until a number of them complete successfully, retrying failures up to a limit.',
  'batch/CronJob': 'CronJob creates Jobs on a repeating schedule written in cron syntax.',
  'coordination.k8s.io/Lease': 'Lease is a lock with a holder and an expiry, renewed to stay held (node heartbeats, leader election).',
  'discovery.k8s.io/EndpointSlice': 'EndpointSlice lists some of the endpoints behind a Service, with their readiness and topology.',
  'events.k8s.io/Event': 'Event records something that happened to an object (the events.k8s.io form).',
  'policy/PodDisruptionBudget': 'PodDisruptionBudget bounds how many pods of a set may be down at once through voluntary evictions.',
  'scheduling.k8s.io/PriorityClass': 'PriorityClass names a scheduling priority that pods refer to; higher priorities may preempt lower ones.',
  'storage.k8s.io/StorageClass': 'StorageClass describes a kind of storage and the provisioner that makes volumes of it.',
};

/** the description of a kind, or undefined for one kubesim has no words for */
export function kindDescription(group: string, kind: string): string | undefined {
  return DESCRIPTIONS[`${group}/${kind}`];
}
