// Role and ClusterRole (rbac.authorization.k8s.io/v1): named lists of PolicyRules, each
// rule granting verbs on resources (or, for ClusterRoles only, on non-resource URLs such
// as /healthz). A ClusterRole with an aggregationRule gets its rules from the ClusterRoles
// its selectors match. kubesim stores and validates these but authorizes every request:
// nothing reads the rules, and no controller aggregates ClusterRoles.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { obj, opt, strList, typeMetaShape } from '../common/schema.ts';
import { LabelSelectorSchema, validateLabelSelector } from '../common/selector.ts';
import { resources } from '../resources.ts';
import { at, fieldInvalid, fieldRequired, type FieldPath } from '../validation/field.ts';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/**
 * RBAC object names only have to be usable as one URL path segment (Kubernetes'
 * path.IsValidPathSegmentName): not `.` or `..`, no `/` and no `%`. So `system:viewer` is a
 * valid ClusterRole name although it is no DNS subdomain.
 */
export function nameIsPathSegment(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

export const PolicyRuleSchema = obj({
  verbs: strList().describe('What the rule allows: get, list, watch, create, update, patch, delete, deletecollection, or * for all.'),
  apiGroups: opt(strList(), 'The API groups of the resources; "" is the core group, * all groups.'),
  resources: opt(strList(), 'The resources the rule applies to (`pods`, `deployments/scale`), or * for all.'),
  resourceNames: opt(strList(), 'When set, the rule applies only to objects with these names.'),
  nonResourceURLs: opt(strList(), 'URL paths such as /healthz or /api/* (ClusterRoles only; excludes resources).'),
}).describe('One permission: verbs allowed on resources or on non-resource URLs.');
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;

export const AggregationRuleSchema = obj({
  clusterRoleSelectors: opt(z.array(LabelSelectorSchema), 'ClusterRoles whose labels match any selector lend their rules to this one.'),
}).describe('How a ClusterRole collects its rules from other ClusterRoles.');

export const RoleSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  rules: opt(z.array(PolicyRuleSchema), 'The permissions this Role grants within its namespace.'),
}).describe('A namespaced set of permissions, granted to subjects by RoleBindings.');
export type Role = z.infer<typeof RoleSchema>;

export const ClusterRoleSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  rules: opt(z.array(PolicyRuleSchema), 'The permissions this ClusterRole grants.'),
  aggregationRule: opt(AggregationRuleSchema, 'When set, the rules are computed from other ClusterRoles (a controller overwrites them).'),
}).describe('A cluster-wide set of permissions, granted by ClusterRoleBindings, or within a namespace by RoleBindings.');
export type ClusterRole = z.infer<typeof ClusterRoleSchema>;

/** Kubernetes' ValidatePolicyRule: verbs always; either non-resource URLs or api groups + resources */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!rule.verbs?.length) causes.push(fieldRequired(at(path, 'verbs'), 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) causes.push(fieldInvalid(at(path, 'nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
      causes.push(fieldInvalid(at(path, 'nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return causes;
  }
  if (!rule.apiGroups?.length) causes.push(fieldRequired(at(path, 'apiGroups'), 'resource rules must supply at least one api group'));
  if (!rule.resources?.length) causes.push(fieldRequired(at(path, 'resources'), 'resource rules must supply at least one resource'));
  return causes;
}

function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): StatusCause[] {
  return (rules ?? []).flatMap((r, i) => validatePolicyRule(r, namespaced, at('rules', i)));
}

function validateClusterRole(cr: ClusterRole): StatusCause[] {
  const causes = validateRules(cr.rules, false);
  const agg = cr.aggregationRule;
  if (agg) {
    const path = at('aggregationRule', 'clusterRoleSelectors');
    if (!agg.clusterRoleSelectors?.length) causes.push(fieldRequired(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    (agg.clusterRoleSelectors ?? []).forEach((s, i) => causes.push(...validateLabelSelector(s, at(path, i))));
  }
  return causes;
}

export const roleKind = defineKind<Role>({
  type: resources.roles,
  schema: RoleSchema,
  nameRule: nameIsPathSegment,
  validate: (r) => validateRules(r.rules, true),
});

export const clusterRoleKind = defineKind<ClusterRole>({
  type: resources.clusterroles,
  schema: ClusterRoleSchema,
  nameRule: nameIsPathSegment,
  validate: validateClusterRole,
});
