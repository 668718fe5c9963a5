// PodStatus: what the kubelet (kubesim's node simulator) reports about a pod: phase,
// conditions (PodScheduled, Initialized, ContainersReady, Ready, ...), IPs and one status per
// container (waiting / running / terminated, restarts, readiness).

import { z } from 'zod';
import { ConditionSchema } from '../common/conditions.ts';
import { ResourceListSchema } from '../common/quantity.ts';
import { bool, int, obj, opt, str, time } from '../common/schema.ts';

export const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
export type PodPhase = (typeof POD_PHASES)[number];

export const ContainerStateSchema = obj({
  waiting: opt(obj({ reason: opt(str(), 'e.g. ContainerCreating, ImagePullBackOff, CrashLoopBackOff.'), message: opt(str()) }), 'Not running yet.'),
  running: opt(obj({ startedAt: opt(time()) }), 'Running.'),
  terminated: opt(
    obj({
      exitCode: int(),
      signal: opt(int()),
      reason: opt(str(), 'e.g. Completed, Error, OOMKilled.'),
      message: opt(str()),
      startedAt: opt(time()),
      finishedAt: opt(time()),
      containerID: opt(str()),
    }),
    'Finished, successfully or not.',
  ),
});
export type ContainerState = z.infer<typeof ContainerStateSchema>;

export const ContainerStatusSchema = obj({
  name: str().describe('Name of the container.'),
  state: opt(ContainerStateSchema, 'Current state.'),
  lastState: opt(ContainerStateSchema, 'The previous termination, if any.'),
  ready: bool().describe('Whether the container passes its readiness probe.'),
  restartCount: int().describe('How many times the container has been restarted.'),
  image: str().describe('The image the container runs.'),
  imageID: str().describe('The resolved image id.'),
  containerID: opt(str(), '<runtime>://<id> of the container.'),
  started: opt(bool(), 'Whether the startup probe passed.'),
  allocatedResources: opt(ResourceListSchema),
  resources: opt(obj({ limits: opt(ResourceListSchema), requests: opt(ResourceListSchema) })),
  volumeMounts: opt(z.array(obj({ name: str(), mountPath: str() }))),
  stopSignal: opt(str()),
});
export type ContainerStatus = z.infer<typeof ContainerStatusSchema>;

export const PodIPSchema = obj({ ip: str() });

export const PodStatusSchema = obj({
  phase: opt(str(), 'Pending, Running, Succeeded, Failed or Unknown.'),
  conditions: opt(z.array(ConditionSchema), 'PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady, Ready, DisruptionTarget.'),
  message: opt(str(), 'Why the pod is in this state.'),
  reason: opt(str(), 'A CamelCase reason, e.g. Evicted.'),
  nominatedNodeName: opt(str(), 'The node a preempting pod is expected to land on.'),
  hostIP: opt(str(), 'IP of the node the pod runs on.'),
  hostIPs: opt(z.array(PodIPSchema)),
  podIP: opt(str(), 'IP address allocated to the pod.'),
  podIPs: opt(z.array(PodIPSchema), 'All IPs of the pod (one per family).'),
  startTime: opt(time(), 'When the kubelet accepted the pod.'),
  initContainerStatuses: opt(z.array(ContainerStatusSchema)),
  containerStatuses: opt(z.array(ContainerStatusSchema), 'One entry per container.'),
  ephemeralContainerStatuses: opt(z.array(ContainerStatusSchema)),
  qosClass: opt(str(), 'Guaranteed, Burstable or BestEffort, from the resources.'),
  resize: opt(str()),
  resourceClaimStatuses: opt(z.array(obj({ name: str(), resourceClaimName: opt(str()) }))),
  observedGeneration: opt(int()),
});
export type PodStatus = z.infer<typeof PodStatusSchema>;
