// zod schemas → OpenAPI v3 component schemas named as Kubernetes names them. Walking a kind's
// schema, each object type becomes a component (`io.k8s.api.apps.v1.DeploymentSpec`): the
// name comes from the strategic-merge metadata's type names where known, from a few shared
// building blocks (ObjectMeta, LabelSelector, IntOrString, Quantity), else from the parent's
// name plus the field (`DeploymentStrategy`). Fields refer to components with
// `allOf: [{$ref}]` plus their description; patch merge keys and strategies are attached.

import type { z } from 'zod';
import { patchMeta, type PatchFieldMeta } from '../patch/strategic-meta.ts';
import { kindDescription } from './kind-descriptions.ts';

export type JsonSchema = Record<string, unknown>;

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  checks?: Array<{ _zod: { def: { format?: string } } }>;
  in?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (s: z.ZodType): ZodDef => (s as unknown as { _zod: { def: ZodDef } })._zod.def;

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

const OPTIONAL_ON_KINDS = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

/** Collects component schemas while kinds are converted. */
export class ComponentBuilder {
  readonly components: Record<string, JsonSchema> = {};
  /** names by the schema's shape object: `.describe()` clones a schema but keeps its shape */
  private readonly names = new Map<unknown, string>();

  /** Give a shared schema instance a fixed component name. */
  name(schema: z.ZodType, component: string): void {
    this.names.set(identity(schema), component);
  }

  /** Convert a top-level kind; returns a `$ref` to it. */
  addKind(schema: z.ZodType, component: string, gvk: { group: string; version: string; kind: string }): void {
    this.names.set(identity(schema), component);
    this.ref(schema, component, component);
    const c = this.components[component];
    if (!c) return;
    c['x-kubernetes-group-version-kind'] = [gvk];
    // Kubernetes marks a kind's metadata, spec and status `+optional` (the server fills them
    // in), so `kubectl explain deployment` prints no `-required-` against them.
    const required = (c['required'] as string[] | undefined)?.filter((f) => !OPTIONAL_ON_KINDS.has(f));
    if (required?.length) c['required'] = required;
    else delete c['required'];
    const description = descriptionOf(schema) ?? kindDescription(gvk.group, gvk.kind);
    if (description) c['description'] = description;
  }

  /** A schema for a value: a `$ref` for object types, inline for scalars, lists and maps. */
  private ref(schema: z.ZodType, suggested: string, patchType: string | undefined): JsonSchema {
    const inner = unwrap(schema);
    const def = defOf(inner);
    if (def.type !== 'object') return this.inline(inner, suggested, patchType);
    const id = identity(inner);
    const name = this.names.get(id) ?? uniqueName(this.components, suggested, this.names);
    this.names.set(id, name);
    if (!this.components[name]) {
      this.components[name] = {};
      this.components[name] = this.objectSchema(def, name, patchType ?? (patchMeta[name] ? name : undefined));
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  private objectSchema(def: ZodDef, name: string, patchType: string | undefined): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    const short = name.slice(name.lastIndexOf('.') + 1);
    const prefix = name.slice(0, name.lastIndexOf('.') + 1);
    const base = short.replace(/(Spec|Status)$/, '');
    for (const [field, fieldSchema] of Object.entries(def.shape ?? {})) {
      const meta: PatchFieldMeta = (patchType && patchMeta[patchType]?.[field]) || {};
      const hint = typeHints[`${short}.${field}`] ?? typeHints[field];
      const suggested = meta.type ?? (hint ? `${hint.includes('.') ? '' : prefix}${hint}` : `${prefix}${base}${field[0]!.toUpperCase()}${field.slice(1)}`);
      const value = this.ref(fieldSchema, suggested, meta.type);
      const description = descriptionOf(fieldSchema);
      let prop: JsonSchema = value;
      if ('$ref' in value) prop = description ? { allOf: [value], description } : { allOf: [value] };
      else if (description) prop = { ...value, description };
      if (meta.mergeKey) prop['x-kubernetes-patch-merge-key'] = meta.mergeKey;
      if (meta.strategy) prop['x-kubernetes-patch-strategy'] = meta.strategy;
      properties[field] = prop;
      if (!isOptional(fieldSchema)) required.push(field);
    }
    const out: JsonSchema = { type: 'object', properties };
    if (required.length) out['required'] = required;
    return out;
  }

  private inline(inner: z.ZodType, suggested: string, patchType: string | undefined): JsonSchema {
    const def = defOf(inner);
    switch (def.type) {
      case 'string':
        return { type: 'string' };
      case 'number':
        return def.checks?.some((c) => c._zod.def.format?.includes('int')) ? { type: 'integer', format: 'int32' } : { type: 'number' };
      case 'boolean':
        return { type: 'boolean' };
      case 'enum':
        return { type: 'string', enum: Object.values(def.entries ?? {}) };
      case 'literal':
        return { type: typeof def.values?.[0] === 'number' ? 'number' : 'string', enum: def.values ?? [] };
      case 'array': {
        const items = this.ref(def.element!, suggested, patchType);
        return { type: 'array', items };
      }
      case 'record':
        return { type: 'object', additionalProperties: this.ref(def.valueType!, suggested, patchType) };
      case 'union': {
        const kinds = new Set((def.options ?? []).map((o) => defOf(unwrap(o)).type));
        if (kinds.has('string') && kinds.has('number')) return { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] };
        return { anyOf: (def.options ?? []).map((o) => this.ref(o, suggested, patchType)) };
      }
      default:
        return { 'x-kubernetes-preserve-unknown-fields': true };
    }
  }
}

function identity(schema: z.ZodType): unknown {
  const inner = unwrap(schema);
  return defOf(inner).shape ?? inner;
}

/** Kubernetes' type names for fields whose type is not named by the patch metadata. */
const typeHints: Record<string, string> = {
  livenessProbe: 'Probe',
  readinessProbe: 'Probe',
  startupProbe: 'Probe',
  'Container.securityContext': 'SecurityContext',
  'EphemeralContainer.securityContext': 'SecurityContext',
  'Pod.securityContext': 'PodSecurityContext',
  affinity: 'Affinity',
  nodeAffinity: 'NodeAffinity',
  podAffinity: 'PodAffinity',
  podAntiAffinity: 'PodAntiAffinity',
  tolerations: 'Toleration',
  valueFrom: 'EnvVarSource',
  envFrom: 'EnvFromSource',
  lifecycle: 'Lifecycle',
  httpGet: 'HTTPGetAction',
  exec: 'ExecAction',
  tcpSocket: 'TCPSocketAction',
  grpc: 'GRPCAction',
  emptyDir: 'EmptyDirVolumeSource',
  hostPath: 'HostPathVolumeSource',
  'Volume.configMap': 'ConfigMapVolumeSource',
  'Volume.secret': 'SecretVolumeSource',
  persistentVolumeClaim: 'PersistentVolumeClaimVolumeSource',
  projected: 'ProjectedVolumeSource',
  'DeploymentStrategy.rollingUpdate': 'RollingUpdateDeployment',
  managedFields: 'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry',
  matchExpressions: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement',
  readinessGates: 'PodReadinessGate',
  dnsConfig: 'PodDNSConfig',
  os: 'PodOS',
  involvedObject: 'ObjectReference',
  'ServiceSpec.ports': 'ServicePort',
  capabilities: 'Capabilities',
  seccompProfile: 'SeccompProfile',
  seLinuxOptions: 'SELinuxOptions',
  fieldRef: 'ObjectFieldSelector',
  resourceFieldRef: 'ResourceFieldSelector',
  configMapKeyRef: 'ConfigMapKeySelector',
  secretKeyRef: 'SecretKeySelector',
  'Role.rules': 'PolicyRule',
  'ClusterRole.rules': 'PolicyRule',
  aggregationRule: 'AggregationRule',
  subjects: 'Subject',
  roleRef: 'RoleRef',
  scopeSelector: 'ScopeSelector',
  'ScopeSelector.matchExpressions': 'ScopedResourceSelectorRequirement',
  'LimitRangeSpec.limits': 'LimitRangeItem',
};

function uniqueName(components: Record<string, JsonSchema>, suggested: string, names: Map<unknown, string>): string {
  const taken = new Set(names.values());
  if (!components[suggested] && !taken.has(suggested)) return suggested;
  for (let i = 2; ; i++) if (!components[`${suggested}${i}`] && !taken.has(`${suggested}${i}`)) return `${suggested}${i}`;
}

/** Strip optional/nullable/default/pipe/lazy wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(s);
    if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'prefault' || def.type === 'readonly') && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else if (def.type === 'lazy' && def.getter) s = def.getter();
    else break;
  }
  return s;
}

function isOptional(schema: z.ZodType): boolean {
  const t = defOf(schema).type;
  return t === 'optional' || t === 'default' || t === 'prefault';
}

/** The first description found on the wrappers of a schema. */
export function descriptionOf(schema: z.ZodType): string | undefined {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; s && i < 20; i++) {
    const d = (s as unknown as { description?: string }).description;
    if (d) return d;
    const def: ZodDef = defOf(s);
    s = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  }
  return undefined;
}
