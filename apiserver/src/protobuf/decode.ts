// Protobuf request bodies (`application/vnd.kubernetes.protobuf`) decoded into the JSON a
// JSON client would have sent. client-go's typed clients (every `kubectl create <generator>`,
// drain's DELETE fallback) write: the magic `k8s\0`, then a runtime.Unknown
// {1: TypeMeta{1 apiVersion, 2 kind}, 2: raw object message, 3 contentEncoding, 4 contentType}.
// Call `decodeProtobufObject(body)`; errors are ApiErrors (400 malformed, 415 unknown kind).
// kubesim only reads protobuf; its answers are always JSON.

import protobuf from 'protobufjs';
import { badRequest, failure, formatTime, type ApiError } from '@kubesim/shared';
import { messageFields } from './schema.ts';

const { Reader } = protobuf;
type PbReader = protobuf.Reader;

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** apiVersion's group → the package alias used in schema.ts. */
const packageOfGroup: Record<string, string> = {
  '': 'core',
  apps: 'apps',
  batch: 'batch',
  'coordination.k8s.io': 'coordination',
  'discovery.k8s.io': 'discovery',
  policy: 'policy',
  'scheduling.k8s.io': 'scheduling',
  'events.k8s.io': 'events',
  'storage.k8s.io': 'storage',
  autoscaling: 'autoscaling',
  'rbac.authorization.k8s.io': 'rbac',
  'authentication.k8s.io': 'authentication',
  'authorization.k8s.io': 'authorization',
};

/**
 * Scalars that survive with their zero value: Go pointers (`*int32`, `*bool`, `*string`),
 * where presence on the wire means "set", and the few non-pointer fields without
 * `omitempty`. Every other zero-valued scalar is dropped, as encoding/json would.
 */
const keepZero = new Set(
  [
    'apps.DeploymentSpec: replicas revisionHistoryLimit progressDeadlineSeconds',
    'apps.ReplicaSetSpec: replicas',
    'apps.StatefulSetSpec: replicas revisionHistoryLimit',
    'apps.RollingUpdateStatefulSetStrategy: partition',
    'apps.DaemonSetSpec: revisionHistoryLimit',
    'batch.JobSpec: parallelism completions activeDeadlineSeconds backoffLimit backoffLimitPerIndex maxFailedIndexes ttlSecondsAfterFinished completionMode suspend manualSelector podReplacementPolicy managedBy',
    'batch.CronJobSpec: startingDeadlineSeconds suspend successfulJobsHistoryLimit failedJobsHistoryLimit timeZone',
    'core.PodSpec: terminationGracePeriodSeconds activeDeadlineSeconds automountServiceAccountToken shareProcessNamespace priority enableServiceLinks preemptionPolicy runtimeClassName setHostnameAsFQDN hostUsers',
    'core.SecurityContext: privileged runAsUser runAsGroup runAsNonRoot readOnlyRootFilesystem allowPrivilegeEscalation procMount',
    'core.PodSecurityContext: runAsUser runAsGroup runAsNonRoot fsGroup fsGroupChangePolicy supplementalGroupsPolicy',
    'core.Probe: terminationGracePeriodSeconds',
    'core.ContainerPort: containerPort',
    'core.Container: restartPolicy',
    'core.ConfigMapVolumeSource: defaultMode optional',
    'core.SecretVolumeSource: defaultMode optional',
    'core.ProjectedVolumeSource: defaultMode',
    'core.DownwardAPIVolumeSource: defaultMode',
    'core.DownwardAPIVolumeFile: mode',
    'core.KeyToPath: mode',
    'core.ConfigMapProjection: optional',
    'core.SecretProjection: optional',
    'core.ServiceAccountTokenProjection: expirationSeconds',
    'core.CSIVolumeSource: readOnly fsType',
    'core.HostPathVolumeSource: type',
    'core.ConfigMapKeySelector: optional',
    'core.SecretKeySelector: optional',
    'core.ConfigMapEnvSource: optional',
    'core.SecretEnvSource: optional',
    'core.Toleration: tolerationSeconds',
    'core.ServiceSpec: allocateLoadBalancerNodePorts ipFamilyPolicy loadBalancerClass internalTrafficPolicy trafficDistribution',
    'core.ServicePort: port appProtocol',
    'core.EndpointPort: port appProtocol',
    'core.ClientIPConfig: timeoutSeconds',
    'core.PersistentVolumeClaimSpec: storageClassName volumeMode volumeAttributesClassName',
    'core.PersistentVolumeSpec: volumeMode volumeAttributesClassName',
    'core.ConfigMap: immutable',
    'core.Secret: immutable',
    'core.ServiceAccount: automountServiceAccountToken',
    'meta.ObjectMeta: deletionGracePeriodSeconds',
    'meta.OwnerReference: controller blockOwnerDeletion',
    'meta.DeleteOptions: gracePeriodSeconds orphanDependents propagationPolicy',
    'meta.Preconditions: uid resourceVersion',
    'policy.PodDisruptionBudgetSpec: unhealthyPodEvictionPolicy',
    'scheduling.PriorityClass: value preemptionPolicy',
    'coordination.LeaseSpec: holderIdentity leaseDurationSeconds leaseTransitions strategy preferredHolder',
    'discovery.EndpointConditions: ready serving terminating',
    'discovery.Endpoint: hostname nodeName zone',
    'discovery.EndpointPort: name protocol port appProtocol',
    'storage.StorageClass: reclaimPolicy allowVolumeExpansion volumeBindingMode',
    'autoscaling.ScaleStatus: replicas',
    'events.EventSeries: count',
    'authentication.TokenRequestSpec: expirationSeconds',
  ].flatMap((line) => {
    const [msg, fields] = line.split(': ') as [string, string];
    return fields.split(' ').map((f) => `${msg}.${f}`);
  }),
);

/**
 * Go structs embedded with `json:",inline"`. Protobuf gives each its own field; JSON spreads
 * its members into the parent: a Volume's `volumeSource: {hostPath}` is the volume's
 * `hostPath`, a ConfigMapKeySelector's `localObjectReference: {name}` is its `name`, a
 * Probe's `handler: {httpGet}` is its `httpGet`.
 */
const inlineFields = new Set([
  'core.Volume.volumeSource',
  'core.PersistentVolumeSpec.persistentVolumeSource',
  'core.Probe.handler',
  'core.EphemeralContainer.ephemeralContainerCommon',
  ...['ConfigMapEnvSource', 'ConfigMapKeySelector', 'ConfigMapProjection', 'ConfigMapVolumeSource', 'SecretEnvSource', 'SecretKeySelector', 'SecretProjection'].map(
    (m) => `core.${m}.localObjectReference`,
  ),
]);

interface FieldSpec {
  name: string;
  type: string;
  repeated: boolean;
  map: boolean;
}

const compiled = new Map<string, Map<number, FieldSpec>>();

function fieldsOf(message: string): Map<number, FieldSpec> {
  let fields = compiled.get(message);
  if (fields) return fields;
  const spec = messageFields[message];
  if (spec === undefined) throw new Error(`no field table for ${message}`);
  fields = new Map();
  for (const part of spec.split(' ')) {
    const m = /^(\w+)=(\d+):(.+)$/.exec(part);
    if (!m) continue;
    const [, name, num, rawType] = m as unknown as [string, string, string, string];
    const repeated = rawType.startsWith('[');
    const map = rawType.startsWith('{');
    fields.set(Number(num), { name, type: repeated || map ? rawType.slice(1, -1) : rawType, repeated, map });
  }
  compiled.set(message, fields);
  return fields;
}

const SCALAR_TYPES = new Set(['string', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float', 'bytes']);
const NUMERIC_TYPES = new Set(['bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float']);

/** int64 fields arrive as Long (or number); Kubernetes' values fit a double. */
function toNumber(v: number | protobuf.Long): number {
  return typeof v === 'number' ? v : Number(v.toString());
}

function readScalar(r: PbReader, type: string): unknown {
  switch (type) {
    case 'string':
      return r.string();
    case 'bool':
      return r.bool();
    case 'int32':
      return r.int32();
    case 'uint32':
      return r.uint32();
    case 'int64':
      return toNumber(r.int64());
    case 'uint64':
      return toNumber(r.uint64());
    case 'double':
      return r.double();
    case 'float':
      return r.float();
    case 'bytes':
      return Buffer.from(r.bytes()).toString('base64');
    default:
      throw new Error(`unknown scalar type ${type}`);
  }
}

/** Decode a whole sub-message into raw field-number → value pairs (for the hand-mapped messages). */
function readRaw(bytes: Uint8Array): Map<number, number | string | Uint8Array> {
  const r = Reader.create(bytes);
  const out = new Map<number, number | string | Uint8Array>();
  while (r.pos < r.len) {
    const tag = r.uint32();
    const wire = tag & 7;
    if (wire === 0) out.set(tag >>> 3, toNumber(r.int64()));
    else if (wire === 2) out.set(tag >>> 3, r.bytes());
    else r.skipType(wire);
  }
  return out;
}

const utf8 = new TextDecoder();

function str(v: number | string | Uint8Array | undefined): string {
  return v instanceof Uint8Array ? utf8.decode(v) : v === undefined ? '' : String(v);
}

/** Messages whose JSON form is not their proto shape. Returns undefined for "omit". */
function readSpecial(type: string, bytes: Uint8Array): unknown {
  const f = readRaw(bytes);
  switch (type) {
    case 'meta.Time':
    case 'meta.MicroTime': {
      const seconds = Number(f.get(1) ?? 0);
      const nanos = Number(f.get(2) ?? 0);
      if (seconds === 0 && nanos === 0) return undefined;
      if (type === 'meta.Time') return formatTime(seconds * 1000);
      const base = new Date(seconds * 1000).toISOString().slice(0, 19);
      return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
    }
    case 'meta.Duration':
      return Number(f.get(1) ?? 0);
    case 'resource.Quantity':
      return str(f.get(1));
    case 'intstr.IntOrString':
      return Number(f.get(1) ?? 0) === 1 ? str(f.get(3)) : Number(f.get(2) ?? 0) | 0;
    case 'runtime.RawExtension':
    case 'meta.FieldsV1': {
      const raw = f.get(1);
      if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
      return JSON.parse(utf8.decode(raw)) as unknown;
    }
    default:
      return null;
  }
}

const SPECIAL_TYPES = new Set([
  'meta.Time',
  'meta.MicroTime',
  'meta.Duration',
  'resource.Quantity',
  'intstr.IntOrString',
  'runtime.RawExtension',
  'meta.FieldsV1',
]);

function readValue(r: PbReader, type: string): unknown {
  if (SCALAR_TYPES.has(type)) return readScalar(r, type);
  const bytes = r.bytes();
  if (SPECIAL_TYPES.has(type)) return readSpecial(type, bytes);
  return decodeMessage(bytes, type);
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

/** Decode one message by its table name (`apps.DeploymentSpec`). */
export function decodeMessage(bytes: Uint8Array, message: string): Record<string, unknown> {
  const fields = fieldsOf(message);
  const r = Reader.create(bytes);
  const out: Record<string, unknown> = {};
  const inlined = new Set<string>();
  while (r.pos < r.len) {
    const tag = r.uint32();
    const wire = tag & 7;
    const field = fields.get(tag >>> 3);
    if (!field) {
      r.skipType(wire);
      continue;
    }
    if (field.map) {
      const entry = Reader.create(r.bytes());
      let key = '';
      let value: unknown = SCALAR_TYPES.has(field.type) ? (field.type === 'string' ? '' : undefined) : {};
      while (entry.pos < entry.len) {
        const t = entry.uint32();
        if (t >>> 3 === 1) key = entry.string();
        else if (t >>> 3 === 2) value = readValue(entry, field.type);
        else entry.skipType(t & 7);
      }
      const map = (out[field.name] ??= {}) as Record<string, unknown>;
      map[key] = field.type === 'bytes' && value === undefined ? '' : value;
    } else if (field.repeated) {
      const list = (out[field.name] ??= []) as unknown[];
      if (wire === 2 && NUMERIC_TYPES.has(field.type)) {
        const end = r.uint32() + r.pos;
        while (r.pos < end) list.push(readScalar(r, field.type));
      } else {
        list.push(readValue(r, field.type));
      }
    } else if (inlineFields.has(`${message}.${field.name}`)) {
      const members = readValue(r, field.type) as Record<string, unknown>;
      for (const key of Object.keys(members)) inlined.add(key);
      Object.assign(out, members);
    } else {
      const value = readValue(r, field.type);
      if (value === undefined) delete out[field.name];
      else out[field.name] = value;
    }
  }
  for (const [key, value] of Object.entries(out)) {
    if (isZero(value) && !inlined.has(key) && !keepZero.has(`${message}.${key}`)) delete out[key];
  }
  return out;
}

function unsupported(message: string): ApiError {
  return failure(415, 'UnsupportedMediaType', message);
}

/** The table name of the message for a TypeMeta, or undefined when kubesim cannot decode it. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions') return 'meta.DeleteOptions';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const pkg = packageOfGroup[group];
  if (pkg === undefined || version !== 'v1') return undefined;
  const name = `${pkg}.${kind}`;
  return messageFields[name] === undefined ? undefined : name;
}

/** Decode a `k8s\0`-framed protobuf body into the JSON object (with apiVersion and kind). */
export function decodeProtobufObject(body: Uint8Array): Record<string, unknown> {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) {
    throw badRequest('the body of the request is not a Kubernetes protobuf message: missing the k8s\\0 prefix');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array | undefined;
  let contentEncoding = '';
  try {
    const r = Reader.create(body.subarray(4));
    while (r.pos < r.len) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1: {
          const typeMeta = readRaw(r.bytes());
          apiVersion = str(typeMeta.get(1));
          kind = str(typeMeta.get(2));
          break;
        }
        case 2:
          raw = r.bytes();
          break;
        case 3:
          contentEncoding = r.string();
          break;
        default:
          r.skipType(tag & 7);
      }
    }
  } catch (err) {
    throw badRequest(`unable to decode the protobuf envelope: ${(err as Error).message}`);
  }
  if (contentEncoding) throw unsupported(`protobuf content encoding "${contentEncoding}" is not supported`);
  if (!kind) throw badRequest('Object \'Kind\' is missing in the protobuf envelope');
  const message = messageForKind(apiVersion, kind);
  if (!message) {
    throw unsupported(`kubesim cannot decode protobuf for ${apiVersion || '<no apiVersion>'}, Kind=${kind}; send application/json`);
  }
  let obj: Record<string, unknown>;
  try {
    obj = decodeMessage(raw ?? new Uint8Array(), message);
  } catch (err) {
    throw badRequest(`unable to decode ${kind} from protobuf: ${(err as Error).message}`);
  }
  const status = obj['status'];
  if (status && typeof status === 'object' && Object.keys(status).length === 0) delete obj['status'];
  return { apiVersion, kind, ...obj };
}
