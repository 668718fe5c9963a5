// Dev tool (not run by tests): rebuilds ../schema.ts, kubesim's field table for the
// Kubernetes protobuf messages it decodes. The facts (field names, numbers, types) come
// from the FileDescriptorProtos that client-go registers, found gzipped inside a kubectl
// binary: `node gen-schema.mjs /usr/lib/google-cloud-sdk/bin/kubectl > ../schema.ts`.
// Only messages reachable from the kinds in ROOTS are written out.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../../package.json', import.meta.url));
const pb = require('protobufjs');
const FileDescriptorProto = pb.Root.fromJSON(require('protobufjs/google/protobuf/descriptor.json')).lookupType(
  'google.protobuf.FileDescriptorProto',
);

const ALIASES = [
  ['k8s.io.apimachinery.pkg.apis.meta.v1.', 'meta.'],
  ['k8s.io.apimachinery.pkg.runtime.', 'runtime.'],
  ['k8s.io.api.core.v1.', 'core.'],
  ['k8s.io.api.apps.v1.', 'apps.'],
  ['k8s.io.api.batch.v1.', 'batch.'],
  ['k8s.io.api.coordination.v1.', 'coordination.'],
  ['k8s.io.api.discovery.v1.', 'discovery.'],
  ['k8s.io.api.policy.v1.', 'policy.'],
  ['k8s.io.api.scheduling.v1.', 'scheduling.'],
  ['k8s.io.api.events.v1.', 'events.'],
  ['k8s.io.api.storage.v1.', 'storage.'],
  ['k8s.io.api.autoscaling.v1.', 'autoscaling.'],
  ['k8s.io.api.rbac.v1.', 'rbac.'],
  ['k8s.io.api.authorization.v1.', 'authorization.'],
  ['k8s.io.api.authentication.v1.', 'authentication.'],
  ['k8s.io.apimachinery.pkg.api.resource.', 'resource.'],
  ['k8s.io.apimachinery.pkg.util.intstr.', 'intstr.'],
];
// Messages the decoder maps by hand (JSON forms differ from their proto shape).
const SPECIAL = new Set(['meta.Time', 'meta.MicroTime', 'meta.Duration', 'meta.FieldsV1', 'runtime.RawExtension',
  'resource.Quantity', 'intstr.IntOrString']);
const ROOTS = ['core.Pod', 'core.Node', 'core.Service', 'core.Endpoints', 'core.Namespace', 'core.ConfigMap', 'core.Secret',
  'core.Event', 'core.PersistentVolume', 'core.PersistentVolumeClaim', 'core.ServiceAccount', 'core.Binding',
  'core.ResourceQuota', 'core.LimitRange', 'core.PodTemplate', 'core.ReplicationController',
  'apps.Deployment', 'apps.ReplicaSet', 'apps.StatefulSet', 'apps.DaemonSet', 'apps.ControllerRevision',
  'batch.Job', 'batch.CronJob', 'coordination.Lease', 'discovery.EndpointSlice', 'policy.PodDisruptionBudget',
  'policy.Eviction', 'scheduling.PriorityClass', 'events.Event', 'storage.StorageClass', 'autoscaling.Scale',
  'rbac.Role', 'rbac.RoleBinding', 'rbac.ClusterRole', 'rbac.ClusterRoleBinding', 'meta.DeleteOptions',
  'authorization.SelfSubjectAccessReview', 'authorization.SelfSubjectRulesReview', 'authentication.TokenRequest'];

const alias = (full) => {
  for (const [long, short] of ALIASES) if (full.startsWith(long)) return short + full.slice(long.length);
  return full;
};

const bin = fs.readFileSync(process.argv[2]);
const messages = new Map();
for (let i = 0; (i = bin.indexOf(Buffer.from([0x1f, 0x8b, 0x08, 0x00]), i)) >= 0; i += 4) {
  let out;
  try {
    out = zlib.gunzipSync(bin.subarray(i, i + 400000), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    continue;
  }
  if (!/k8s\.io\/[\w./-]+\/generated\.proto/.test(out.subarray(0, 200).toString('latin1'))) continue;
  let fd;
  try {
    fd = FileDescriptorProto.toObject(FileDescriptorProto.decode(out), { enums: String });
  } catch {
    continue;
  }
  const walk = (m, prefix) => {
    const name = `${prefix}.${m.name}`;
    if (!messages.has(name)) messages.set(name, m);
    for (const n of m.nestedType ?? []) walk(n, name);
  };
  for (const m of fd.messageType ?? []) walk(m, fd.package);
}

const SCALARS = { TYPE_STRING: 'string', TYPE_BOOL: 'bool', TYPE_INT32: 'int32', TYPE_INT64: 'int64', TYPE_BYTES: 'bytes',
  TYPE_DOUBLE: 'double', TYPE_FLOAT: 'float', TYPE_UINT32: 'uint32', TYPE_UINT64: 'uint64' };
const typeOf = (f) => {
  if (f.type !== 'TYPE_MESSAGE') return SCALARS[f.type] ?? f.type;
  const target = messages.get(f.typeName.slice(1));
  if (target?.options?.mapEntry) return `{${typeOf(target.field[1])}}`;
  return alias(f.typeName.slice(1));
};
// Fields whose proto name is not their JSON name.
const JSON_NAMES = { 'authentication.BoundObjectReference.uID': 'uid' };
const out = new Map();
const queue = [...ROOTS];
while (queue.length) {
  const name = queue.shift();
  if (out.has(name) || SPECIAL.has(name)) continue;
  const full = [...messages.keys()].find((k) => alias(k) === name);
  if (!full) throw new Error(`missing ${name}`);
  const m = messages.get(full);
  const parts = [];
  for (const f of m.field ?? []) {
    let t = typeOf(f);
    const inner = t.replace(/^\{|\}$/g, '');
    if (!(inner in Object.fromEntries(Object.values(SCALARS).map((s) => [s, 1])))) queue.push(inner);
    if (f.label === 'LABEL_REPEATED' && !t.startsWith('{')) t = `[${t}]`;
    parts.push(`${JSON_NAMES[`${name}.${f.name}`] ?? f.name}=${f.number}:${t}`);
  }
  out.set(name, parts.join(' '));
}
const lines = [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `  '${k}': '${v}',`);
process.stdout.write(`// Field table of the Kubernetes protobuf messages kubesim decodes (k8s.io/api 1.32):
// message -> "jsonName=fieldNumber:type ..."; [T] repeated, {T} map<string,T>. Package
// prefixes: meta = apimachinery meta/v1, core = api/core/v1, apps = api/apps/v1, ...
// Facts only, regenerated by tools/gen-schema.mjs; Time, Quantity, IntOrString & co are
// decoded by hand in decode.ts.
export const messageFields: Readonly<Record<string, string>> = {
${lines.join('\n')}
};
`);
