// ResourceQuota (core/v1): per-namespace hard limits on resource use (`pods: 10`,
// `requests.cpu: 4`, `count/deployments.apps: 5`), optionally narrowed to pods of some
// scopes (BestEffort, Terminating, ...). status.hard is the enforced copy of spec.hard and
// status.used the observed usage. kubesim's apiserver copies spec.hard into status.hard
// itself and, like Kubernetes' ResourceQuota admission plugin, refuses pods that would
// exceed a quota (other objects are not charged); the quota controller fills status.used.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { tryParseQuantity } from '../../meta/quantity.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { ResourceListSchema, type ResourceList } from '../common/quantity.ts';
import { obj, opt, str, strList, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { at, fieldInvalid, fieldRequired, key, type FieldPath } from '../validation/field.ts';
import { isQualifiedName } from '../validation/names.ts';

export const ScopedResourceSelectorRequirementSchema = obj({
  scopeName: str().describe('The scope the requirement tests, e.g. PriorityClass or BestEffort.'),
  operator: str().describe('In, NotIn, Exists or DoesNotExist.'),
  values: opt(strList(), 'The values for In and NotIn; empty for Exists and DoesNotExist.'),
});

export const ResourceQuotaSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(
    obj({
      hard: opt(ResourceListSchema, 'The hard limit of each named resource in the namespace.'),
      scopes: opt(strList(), 'Only objects in all these scopes count against the quota (Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass, CrossNamespacePodAffinity).'),
      scopeSelector: opt(obj({ matchExpressions: opt(z.array(ScopedResourceSelectorRequirementSchema), 'Scope requirements, ANDed.') }), 'Scopes as selector requirements, ANDed with scopes.'),
    }),
    'The desired hard limits.',
  ),
  status: opt(
    obj({
      hard: opt(ResourceListSchema, 'The enforced hard limits (a copy of spec.hard).'),
      used: opt(ResourceListSchema, 'The observed total use of each resource in the namespace.'),
    }),
    'The enforced limits and the current use.',
  ),
}).describe('Limits the total resources that objects of one namespace may use.');
export type ResourceQuota = z.infer<typeof ResourceQuotaSchema>;

const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);
/** resource names a quota counts in whole objects */
const INTEGER_RESOURCES = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);
export const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];
/** scopes that only track pod counts and compute resources */
const POD_COMPUTE = new Set(['pods', 'cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

const isHugePages = (name: string): boolean => /^(requests\.|limits\.)?hugepages-/.test(name);

/** a resource name a quota may limit without a domain prefix */
export function isStandardQuotaResourceName(name: string): boolean {
  return STANDARD_QUOTA_RESOURCES.has(name) || isHugePages(name);
}

/** Kubernetes' extended resources (`example.com/gpu`, `count/deployments.apps`) are counted whole */
function isIntegerResourceName(name: string): boolean {
  if (INTEGER_RESOURCES.has(name)) return true;
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  return !native && !name.startsWith('requests.') && isQualifiedName(`requests.${name}`).length === 0;
}

function scopeValidForResource(scope: string, resource: string): boolean {
  if (scope === 'BestEffort' || scope === 'CrossNamespacePodAffinity') return resource === 'pods';
  if (scope === 'VolumeAttributesClass') return ['persistentvolumeclaims', 'requests.storage'].includes(resource);
  return POD_COMPUTE.has(resource);
}

/** a quota's resource list: known or qualified names, non-negative values, whole counts */
export function validateQuotaResourceList(list: ResourceList | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [name, value] of Object.entries(list ?? {})) {
    const p = key(path, name);
    const nameErrs = isQualifiedName(name);
    for (const m of nameErrs) causes.push(fieldInvalid(p, name, m));
    if (!nameErrs.length && !name.includes('/') && !isStandardQuotaResourceName(name) && name !== 'storage') {
      causes.push(fieldInvalid(p, name, 'must be a standard resource type or fully qualified'));
    }
    if (!name.includes('/') && !isStandardQuotaResourceName(name)) causes.push(fieldInvalid(p, name, 'must be a standard resource for quota'));
    const q = tryParseQuantity(value);
    if (!q) causes.push(fieldInvalid(p, value, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    else {
      if (q.sign() < 0) causes.push(fieldInvalid(p, q.toString(), 'must be greater than or equal to 0'));
      if (isIntegerResourceName(name) && q.milliValue() % 1000 !== 0) causes.push(fieldInvalid(p, q.toString(), 'must be an integer'));
    }
  }
  return causes;
}

function validateScopes(rq: ResourceQuota): StatusCause[] {
  const spec = rq.spec ?? {};
  const hard = Object.keys(spec.hard ?? {}).sort();
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  const check = (scope: string, path: FieldPath, value: unknown): void => {
    if (!QUOTA_SCOPES.includes(scope)) causes.push(fieldInvalid(path, value, 'unsupported scope'));
    for (const r of hard) {
      if (isStandardQuotaResourceName(r) && !scopeValidForResource(scope, r)) causes.push(fieldInvalid(path, value, 'unsupported scope applied to resource'));
    }
    seen.add(scope);
  };
  for (const scope of spec.scopes ?? []) check(scope, 'spec.scopes', spec.scopes);
  const exprPath = 'spec.scopeSelector.matchExpressions';
  for (const req of spec.scopeSelector?.matchExpressions ?? []) {
    check(req.scopeName, at(exprPath, 'scopeName'), req.scopeName);
    const podScope = ['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'].includes(req.scopeName);
    if (podScope && req.operator !== 'Exists') {
      causes.push(fieldInvalid(at(exprPath, 'operator'), req.operator, `must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity`));
    }
    const values = req.values ?? [];
    if (req.operator === 'In' || req.operator === 'NotIn') {
      if (!values.length) causes.push(fieldRequired(at(exprPath, 'values'), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
    } else if (req.operator === 'Exists' || req.operator === 'DoesNotExist') {
      if (values.length) causes.push(fieldInvalid(at(exprPath, 'values'), values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
    } else {
      causes.push(fieldInvalid(at(exprPath, 'operator'), req.operator, 'not a valid selector operator'));
    }
  }
  for (const [a, b] of [['BestEffort', 'NotBestEffort'], ['Terminating', 'NotTerminating']] as const) {
    if (seen.has(a) && seen.has(b)) causes.push(fieldInvalid('spec.scopes', spec.scopes ?? [], 'conflicting scopes'));
  }
  return causes;
}

function ownEntries(list: ResourceList | undefined, except: ResourceList | undefined): ResourceList | undefined {
  if (!list || !except) return list;
  return Object.fromEntries(Object.entries(list).filter(([k, v]) => except[k] !== v));
}

export const resourceQuotaKind = defineKind<ResourceQuota>({
  type: resources.resourcequotas,
  schema: ResourceQuotaSchema,
  validate: (rq) => [
    ...validateQuotaResourceList(rq.spec?.hard, 'spec.hard'),
    ...validateScopes(rq),
    // status.hard is the registry's copy of spec.hard: only entries of its own are judged again
    ...validateQuotaResourceList(ownEntries(rq.status?.hard, rq.spec?.hard), 'status.hard'),
    ...validateQuotaResourceList(rq.status?.used, 'status.used'),
  ],
});
