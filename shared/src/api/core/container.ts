// Container: schema (image, command, ports, env/envFrom, resources, probes, mounts,
// securityContext loosely), Kubernetes' defaults (imagePullPolicy from the image tag,
// terminationMessagePath/Policy, port protocol TCP, probe defaults) and per-container
// validation. Names across a pod's containers are checked in pod-spec.ts.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { tryParseQuantity } from '../../meta/quantity.ts';
import { QuantitySchema, ResourceListSchema, validateResourceList } from '../common/quantity.ts';
import { bool, int, obj, opt, str, strList } from '../common/schema.ts';
import {
  at,
  fieldDuplicate,
  fieldInvalid,
  fieldRequired,
  key,
  validateEnum,
  validatePortNumber,
  type FieldPath,
} from '../validation/field.ts';
import { isValidPortName } from '../validation/names.ts';
import { LifecycleSchema, ProbeSchema, setLifecycleDefaults, setProbeDefaults, validateLifecycle, validateProbe } from './probe.ts';

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
export const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;

export const ContainerPortSchema = obj({
  name: opt(str(), 'An IANA_SVC_NAME for the port, unique in the pod; services can refer to it.'),
  containerPort: int().describe('Port number the container listens on (1-65535).'),
  hostPort: opt(int(), 'Port to expose on the node; most containers do not need this.'),
  protocol: opt(str(), 'TCP, UDP or SCTP (default TCP).'),
  hostIP: opt(str(), 'Host IP to bind the host port to.'),
});
export type ContainerPort = z.infer<typeof ContainerPortSchema>;

const KeyRefSchema = obj({ name: opt(str()), key: str(), optional: opt(bool()) });

export const EnvVarSchema = obj({
  name: str().describe('Name of the environment variable.'),
  value: opt(str(), 'Literal value; $(VAR) references to earlier variables are expanded.'),
  valueFrom: opt(
    obj({
      fieldRef: opt(obj({ apiVersion: opt(str()), fieldPath: str() }), 'A field of the pod, e.g. metadata.name or status.podIP.'),
      resourceFieldRef: opt(obj({ containerName: opt(str()), resource: str(), divisor: opt(QuantitySchema) }), 'A container resource limit or request.'),
      configMapKeyRef: opt(KeyRefSchema, 'A key of a ConfigMap.'),
      secretKeyRef: opt(KeyRefSchema, 'A key of a Secret.'),
    }),
    'Where to read the value from, instead of value.',
  ),
});
export type EnvVar = z.infer<typeof EnvVarSchema>;

export const EnvFromSourceSchema = obj({
  prefix: opt(str(), 'Prefix added to each variable name.'),
  configMapRef: opt(obj({ name: opt(str()), optional: opt(bool()) }), 'Use every key of this ConfigMap.'),
  secretRef: opt(obj({ name: opt(str()), optional: opt(bool()) }), 'Use every key of this Secret.'),
});

export const ResourceRequirementsSchema = obj({
  limits: opt(ResourceListSchema, 'Maximum amounts of compute resources allowed.'),
  requests: opt(ResourceListSchema, 'Minimum amounts of compute resources required; used for scheduling. Defaults to limits.'),
  claims: opt(z.array(obj({ name: str(), request: opt(str()) })), 'Dynamic resource claims used by this container.'),
});
export type ResourceRequirements = z.infer<typeof ResourceRequirementsSchema>;

export const SecurityContextSchema = obj({
  capabilities: opt(obj({ add: opt(strList()), drop: opt(strList()) }), 'Capabilities to add or drop.'),
  privileged: opt(bool(), 'Run as privileged.'),
  runAsUser: opt(int(), 'UID to run the entrypoint as.'),
  runAsGroup: opt(int(), 'GID to run the entrypoint as.'),
  runAsNonRoot: opt(bool(), 'Require the container to run as a non-root user.'),
  readOnlyRootFilesystem: opt(bool(), 'Mount the root filesystem read-only.'),
  allowPrivilegeEscalation: opt(bool(), 'Whether a process may gain more privileges than its parent.'),
  procMount: opt(str()),
  seccompProfile: opt(obj({ type: str(), localhostProfile: opt(str()) }), 'The seccomp profile to apply.'),
  seLinuxOptions: opt(obj({})),
  appArmorProfile: opt(obj({ type: str(), localhostProfile: opt(str()) })),
  windowsOptions: opt(obj({})),
});

export const VolumeMountSchema = obj({
  name: str().describe('Name of the pod volume to mount.'),
  mountPath: str().describe('Path in the container to mount the volume at.'),
  subPath: opt(str(), 'Sub-path inside the volume to mount instead of its root.'),
  subPathExpr: opt(str()),
  readOnly: opt(bool(), 'Mount read-only.'),
  recursiveReadOnly: opt(str()),
  mountPropagation: opt(str()),
});

export const ContainerSchema = obj({
  name: str().describe('Name of the container, a DNS label unique within the pod.'),
  image: opt(str(), 'Container image name, e.g. `nginx:1.27`.'),
  command: opt(strList(), 'Entrypoint array; replaces the image ENTRYPOINT.'),
  args: opt(strList(), 'Arguments to the entrypoint; replace the image CMD.'),
  workingDir: opt(str(), 'Working directory of the container.'),
  ports: opt(z.array(ContainerPortSchema), 'Ports to expose from the container (informational, except for named ports).'),
  envFrom: opt(z.array(EnvFromSourceSchema), 'Sources of environment variables (ConfigMaps, Secrets).'),
  env: opt(z.array(EnvVarSchema), 'Environment variables to set.'),
  resources: opt(ResourceRequirementsSchema, 'Compute resources (cpu, memory, ...) requested and limited.'),
  resizePolicy: opt(z.array(obj({ resourceName: str(), restartPolicy: str() }))),
  restartPolicy: opt(str(), 'Only for init containers: Always makes it a sidecar that runs for the pod\'s life.'),
  volumeMounts: opt(z.array(VolumeMountSchema), 'Pod volumes to mount into the container.'),
  volumeDevices: opt(z.array(obj({ name: str(), devicePath: str() })), 'Block devices to use.'),
  livenessProbe: opt(ProbeSchema, 'Periodic check; the container is restarted when it fails.'),
  readinessProbe: opt(ProbeSchema, 'Periodic check; the pod is removed from service endpoints when it fails.'),
  startupProbe: opt(ProbeSchema, 'Checks that the application started; other probes wait for it.'),
  lifecycle: opt(LifecycleSchema, 'Actions run after start and before stop.'),
  terminationMessagePath: opt(str(), 'File the termination message is read from (default /dev/termination-log).'),
  terminationMessagePolicy: opt(str(), 'File or FallbackToLogsOnError (default File).'),
  imagePullPolicy: opt(str(), 'Always, Never or IfNotPresent; Always for :latest or untagged images, else IfNotPresent.'),
  securityContext: opt(SecurityContextSchema, 'Security options the container runs with.'),
  stdin: opt(bool(), 'Allocate a buffer for stdin.'),
  stdinOnce: opt(bool(), 'Close stdin after the first attach.'),
  tty: opt(bool(), 'Allocate a TTY.'),
});
export type Container = z.infer<typeof ContainerSchema>;

/** Always for `:latest` or untagged images, else IfNotPresent (a digest counts as a tag) */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return last.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

export function setContainerDefaults(c: Container, hostNetwork: boolean): void {
  if (c.image !== undefined) c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const p of c.ports ?? []) {
    p.protocol ??= 'TCP';
    if (hostNetwork && !p.hostPort) p.hostPort = p.containerPort;
  }
  setProbeDefaults(c.livenessProbe);
  setProbeDefaults(c.readinessProbe);
  setProbeDefaults(c.startupProbe);
  setLifecycleDefaults(c.lifecycle);
  for (const e of c.env ?? []) {
    const f = e.valueFrom?.fieldRef;
    if (f) f.apiVersion ??= 'v1';
  }
}

/** SetDefaults_Pod: a resource with a limit and no request gets the limit as its request */
export function setRequestsFromLimits(c: Container): void {
  const limits = c.resources?.limits;
  if (!c.resources || !limits) return;
  for (const [name, q] of Object.entries(limits)) {
    c.resources.requests ??= {};
    if (c.resources.requests[name] === undefined) c.resources.requests[name] = q;
  }
}

function validatePorts(ports: ContainerPort[] | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((p, i) => {
    const pp = at(path, i);
    if (p.name !== undefined && p.name !== '') {
      for (const m of isValidPortName(p.name)) causes.push(fieldInvalid(at(pp, 'name'), p.name, m));
      if (names.has(p.name)) causes.push(fieldDuplicate(at(pp, 'name'), p.name));
      names.add(p.name);
    }
    if (p.containerPort === 0) causes.push(fieldRequired(at(pp, 'containerPort')));
    else causes.push(...validatePortNumber(p.containerPort, at(pp, 'containerPort')));
    if (p.hostPort !== undefined && p.hostPort !== 0) causes.push(...validatePortNumber(p.hostPort, at(pp, 'hostPort')));
    causes.push(...validateEnum(p.protocol, PROTOCOLS, at(pp, 'protocol')));
  });
  return causes;
}

function validateEnv(env: EnvVar[] | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  (env ?? []).forEach((e, i) => {
    const p = at(path, i);
    if (!e.name) causes.push(fieldRequired(at(p, 'name')));
    else if (/[=\0]/.test(e.name)) causes.push(fieldInvalid(at(p, 'name'), e.name, "a valid environment variable name must consist only of printable ASCII characters other than '='"));
    if (e.valueFrom) {
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter(
        (s) => (e.valueFrom as Record<string, unknown>)[s] !== undefined,
      );
      if (e.value) causes.push(fieldInvalid(at(p, 'valueFrom'), '', 'may not be specified when `value` is not empty'));
      if (sources.length === 0) causes.push(fieldInvalid(at(p, 'valueFrom'), '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (sources.length > 1) causes.push(fieldInvalid(at(p, 'valueFrom'), '', 'may not have more than one field specified at a time'));
    }
  });
  return causes;
}

/** requests may not exceed limits for the same resource */
function validateResources(r: ResourceRequirements | undefined, path: FieldPath): StatusCause[] {
  if (!r) return [];
  const causes = [...validateResourceList(r.limits, at(path, 'limits')), ...validateResourceList(r.requests, at(path, 'requests'))];
  for (const [name, req] of Object.entries(r.requests ?? {})) {
    const lim = r.limits?.[name];
    if (lim === undefined) continue;
    const rq = tryParseQuantity(req);
    const lq = tryParseQuantity(lim);
    if (rq && lq && rq.cmp(lq) > 0) {
      causes.push(fieldInvalid(key(at(path, 'requests'), name), String(req), `must be less than or equal to ${name} limit of ${String(lim)}`));
    }
  }
  return causes;
}

/** one container's own fields (names across containers and mount targets are checked by the pod spec) */
export function validateContainer(c: Container, path: FieldPath, init: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!c.image) causes.push(fieldRequired(at(path, 'image')));
  else if (c.image.trim() !== c.image) causes.push(fieldInvalid(at(path, 'image'), c.image, 'must not have leading or trailing whitespace'));
  causes.push(...validateEnum(c.imagePullPolicy, PULL_POLICIES, at(path, 'imagePullPolicy')));
  causes.push(...validateEnum(c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError'], at(path, 'terminationMessagePolicy')));
  causes.push(...validatePorts(c.ports, at(path, 'ports')));
  causes.push(...validateEnv(c.env, at(path, 'env')));
  causes.push(...validateResources(c.resources, at(path, 'resources')));
  causes.push(...validateLifecycle(c.lifecycle, at(path, 'lifecycle')));
  const sidecar = init && c.restartPolicy === 'Always';
  if (init && !sidecar) {
    // plain init containers run to completion: probes and lifecycle hooks are not allowed
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (c[probe]) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: may not be set for init containers without restartPolicy=Always', field: at(path, probe) });
    }
  } else {
    causes.push(...validateProbe(c.livenessProbe, 'liveness', at(path, 'livenessProbe')));
    causes.push(...validateProbe(c.readinessProbe, 'readiness', at(path, 'readinessProbe')));
    causes.push(...validateProbe(c.startupProbe, 'startup', at(path, 'startupProbe')));
  }
  if (init) causes.push(...validateEnum(c.restartPolicy, ['Always'], at(path, 'restartPolicy')));
  else if (c.restartPolicy !== undefined) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: may not be set for non-init containers', field: at(path, 'restartPolicy') });
  (c.volumeMounts ?? []).forEach((m, i) => {
    if (!m.mountPath) causes.push(fieldRequired(at(path, 'volumeMounts', i, 'mountPath')));
  });
  return causes;
}
