// PodSpec: the desired state of a pod, shared by Pods and every pod template. Schema,
// SetDefaults_PodSpec (restartPolicy Always, dnsPolicy ClusterFirst, grace period 30 s,
// default-scheduler, securityContext {}, container defaults) and ValidatePodSpec (container
// names unique, images, volumes and mounts, restart/DNS policies, scheduling constraints).

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ResourceListSchema } from '../common/quantity.ts';
import { bool, int, obj, opt, str, strList, strMap } from '../common/schema.ts';
import { validateLabels } from '../common/selector.ts';
import {
  at,
  fieldDuplicate,
  fieldInvalid,
  fieldNotFound,
  fieldRequired,
  validateEnum,
  validateNonnegative,
  type FieldPath,
} from '../validation/field.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../validation/names.ts';
import {
  AffinitySchema,
  TolerationSchema,
  TopologySpreadConstraintSchema,
  validateAffinity,
  validateTolerations,
  validateTopologySpreadConstraints,
} from './affinity.ts';
import { ContainerSchema, setContainerDefaults, validateContainer, type Container } from './container.ts';
import { VolumeSchema, setVolumeDefaults, validateVolumes } from './volume.ts';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
export const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;

export const PodSecurityContextSchema = obj({
  runAsUser: opt(int()),
  runAsGroup: opt(int()),
  runAsNonRoot: opt(bool()),
  fsGroup: opt(int()),
  fsGroupChangePolicy: opt(str()),
  supplementalGroups: opt(z.array(int())),
  supplementalGroupsPolicy: opt(str()),
  sysctls: opt(z.array(obj({ name: str(), value: str() }))),
  seccompProfile: opt(obj({ type: str(), localhostProfile: opt(str()) })),
  seLinuxOptions: opt(obj({})),
  appArmorProfile: opt(obj({ type: str(), localhostProfile: opt(str()) })),
  windowsOptions: opt(obj({})),
  seLinuxChangePolicy: opt(str()),
});

export const PodSpecSchema = obj({
  volumes: opt(z.array(VolumeSchema), 'Volumes that containers of the pod can mount.'),
  initContainers: opt(z.array(ContainerSchema), 'Containers run in order to completion before the app containers start (restartPolicy Always makes a sidecar).'),
  containers: z.array(ContainerSchema).describe('The containers of the pod; at least one.'),
  ephemeralContainers: opt(z.array(ContainerSchema.extend({ targetContainerName: opt(str()) })), 'Debugging containers added to a running pod.'),
  restartPolicy: opt(str(), 'Always, OnFailure or Never (default Always).'),
  terminationGracePeriodSeconds: opt(int(), 'Seconds the pod has to stop gracefully after SIGTERM (default 30).'),
  activeDeadlineSeconds: opt(int(), 'Seconds the pod may run before the system actively fails it.'),
  dnsPolicy: opt(str(), 'ClusterFirst (default), ClusterFirstWithHostNet, Default or None.'),
  nodeSelector: opt(strMap(), 'Labels a node must have for the pod to be scheduled there.'),
  serviceAccountName: opt(str(), 'The ServiceAccount the pod runs as.'),
  serviceAccount: opt(str(), 'Deprecated alias of serviceAccountName.'),
  automountServiceAccountToken: opt(bool(), 'Whether to mount an API token automatically.'),
  nodeName: opt(str(), 'The node the pod is bound to; set by the scheduler (through the binding subresource).'),
  hostNetwork: opt(bool(), 'Use the node\'s network namespace.'),
  hostPID: opt(bool(), 'Use the node\'s PID namespace.'),
  hostIPC: opt(bool(), 'Use the node\'s IPC namespace.'),
  shareProcessNamespace: opt(bool(), 'Share one PID namespace among the pod\'s containers.'),
  securityContext: opt(PodSecurityContextSchema, 'Pod-level security attributes.'),
  imagePullSecrets: opt(z.array(obj({ name: opt(str()) })), 'Secrets used to pull images.'),
  hostname: opt(str(), 'Hostname of the pod (default: the pod name).'),
  subdomain: opt(str(), 'Makes the FQDN <hostname>.<subdomain>.<namespace>.svc.<cluster-domain>.'),
  affinity: opt(AffinitySchema, 'Node affinity, pod affinity and pod anti-affinity.'),
  schedulerName: opt(str(), 'The scheduler responsible for the pod (default default-scheduler).'),
  tolerations: opt(z.array(TolerationSchema), 'Taints the pod tolerates.'),
  hostAliases: opt(z.array(obj({ ip: str(), hostnames: opt(strList()) })), 'Extra /etc/hosts entries.'),
  priorityClassName: opt(str(), 'Name of the PriorityClass giving the pod its priority.'),
  priority: opt(int(), 'The priority value, resolved from priorityClassName by the priority admission plugin.'),
  dnsConfig: opt(
    obj({ nameservers: opt(strList()), searches: opt(strList()), options: opt(z.array(obj({ name: opt(str()), value: opt(str()) }))) }),
    'DNS settings merged into those of dnsPolicy.',
  ),
  readinessGates: opt(z.array(obj({ conditionType: str() })), 'Extra pod conditions that must be True for the pod to be ready.'),
  runtimeClassName: opt(str(), 'The RuntimeClass to run the pod with.'),
  enableServiceLinks: opt(bool(), 'Inject service environment variables (default true).'),
  preemptionPolicy: opt(str(), 'PreemptLowerPriority (default) or Never.'),
  overhead: opt(ResourceListSchema, 'Resources of the pod sandbox, added to the containers\' requests.'),
  topologySpreadConstraints: opt(z.array(TopologySpreadConstraintSchema), 'How matching pods should spread across topology domains.'),
  setHostnameAsFQDN: opt(bool()),
  os: opt(obj({ name: str() }), 'The OS of the containers: linux or windows.'),
  hostUsers: opt(bool()),
  schedulingGates: opt(z.array(obj({ name: str() })), 'While any gate remains the pod is not scheduled; gates can only be removed.'),
  resourceClaims: opt(z.array(obj({ name: str(), resourceClaimName: opt(str()), resourceClaimTemplateName: opt(str()) }))),
  resources: opt(obj({ limits: opt(ResourceListSchema), requests: opt(ResourceListSchema) }), 'Pod-level resources.'),
});
export type PodSpec = z.infer<typeof PodSpecSchema>;

/** SetDefaults_PodSpec (templates and pods alike) */
export function setPodSpecDefaults(spec: PodSpec): void {
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  if (spec.serviceAccountName === undefined && spec.serviceAccount !== undefined) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName !== undefined && spec.serviceAccount !== spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  const hostNetwork = spec.hostNetwork === true;
  for (const c of spec.containers) setContainerDefaults(c, hostNetwork);
  for (const c of spec.initContainers ?? []) setContainerDefaults(c, hostNetwork);
  for (const c of spec.ephemeralContainers ?? []) setContainerDefaults(c, false);
  for (const v of spec.volumes ?? []) setVolumeDefaults(v);
}

export interface PodSpecRules {
  /** restart policies allowed (controllers narrow this: Deployments allow only Always) */
  restartPolicies?: readonly string[];
}

function validateContainerList(
  list: Container[] | undefined,
  path: FieldPath,
  init: boolean,
  seen: Set<string>,
  volumeNames: Set<string>,
): StatusCause[] {
  const causes: StatusCause[] = [];
  (list ?? []).forEach((c, i) => {
    const p = at(path, i);
    if (!c.name) causes.push(fieldRequired(at(p, 'name')));
    else {
      for (const m of isDNS1123Label(c.name)) causes.push(fieldInvalid(at(p, 'name'), c.name, m));
      if (seen.has(c.name)) causes.push(fieldDuplicate(at(p, 'name'), c.name));
      seen.add(c.name);
    }
    causes.push(...validateContainer(c, p, init));
    (c.volumeMounts ?? []).forEach((m, j) => {
      if (!m.name) causes.push(fieldRequired(at(p, 'volumeMounts', j, 'name')));
      else if (!volumeNames.has(m.name)) causes.push(fieldNotFound(at(p, 'volumeMounts', j, 'name'), m.name));
    });
  });
  return causes;
}

/** ValidatePodSpec; `path` is `spec` for pods and `spec.template.spec` for templates */
export function validatePodSpec(spec: PodSpec, path: FieldPath, rules: PodSpecRules = {}): StatusCause[] {
  const { causes, names: volumeNames } = validateVolumes(spec.volumes, at(path, 'volumes'));
  const containerNames = new Set<string>();
  if (spec.containers.length === 0) causes.push(fieldRequired(at(path, 'containers')));
  causes.push(...validateContainerList(spec.containers, at(path, 'containers'), false, containerNames, volumeNames));
  causes.push(...validateContainerList(spec.initContainers, at(path, 'initContainers'), true, containerNames, volumeNames));
  const allowed = rules.restartPolicies ?? RESTART_POLICIES;
  if (spec.restartPolicy === '') causes.push(fieldRequired(at(path, 'restartPolicy')));
  else causes.push(...validateEnum(spec.restartPolicy, allowed, at(path, 'restartPolicy')));
  causes.push(...validateEnum(spec.dnsPolicy, DNS_POLICIES, at(path, 'dnsPolicy')));
  if (spec.dnsPolicy === 'None' && (spec.dnsConfig?.nameservers ?? []).length === 0) {
    causes.push(fieldRequired(at(path, 'dnsConfig', 'nameservers'), "must provide at least one DNS nameserver when dnsPolicy is 'None'"));
  }
  causes.push(...validateLabels(spec.nodeSelector, at(path, 'nodeSelector')));
  causes.push(...validateNonnegative(spec.terminationGracePeriodSeconds, at(path, 'terminationGracePeriodSeconds')));
  if (spec.activeDeadlineSeconds !== undefined && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > 2147483647)) {
    causes.push(fieldInvalid(at(path, 'activeDeadlineSeconds'), spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  for (const f of ['serviceAccountName', 'priorityClassName', 'runtimeClassName'] as const) {
    const v = spec[f];
    if (v) for (const m of isDNS1123Subdomain(v)) causes.push(fieldInvalid(at(path, f), v, m));
  }
  for (const f of ['hostname', 'subdomain'] as const) {
    const v = spec[f];
    if (v) for (const m of isDNS1123Label(v)) causes.push(fieldInvalid(at(path, f), v, m));
  }
  if (spec.nodeName) for (const m of isDNS1123Subdomain(spec.nodeName)) causes.push(fieldInvalid(at(path, 'nodeName'), spec.nodeName, m));
  causes.push(...validateAffinity(spec.affinity, at(path, 'affinity')));
  causes.push(...validateTolerations(spec.tolerations, at(path, 'tolerations')));
  causes.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, at(path, 'topologySpreadConstraints')));
  causes.push(...validateEnum(spec.preemptionPolicy, ['Never', 'PreemptLowerPriority'], at(path, 'preemptionPolicy')));
  const gates = new Set<string>();
  (spec.schedulingGates ?? []).forEach((g, i) => {
    const p = at(path, 'schedulingGates', i, 'name');
    for (const m of isQualifiedName(g.name)) causes.push(fieldInvalid(p, g.name, m));
    if (gates.has(g.name)) causes.push(fieldDuplicate(p, g.name));
    gates.add(g.name);
  });
  if (spec.os) causes.push(...validateEnum(spec.os.name, ['linux', 'windows'], at(path, 'os', 'name')));
  return causes;
}
