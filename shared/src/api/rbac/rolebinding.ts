// RoleBinding and ClusterRoleBinding (rbac.authorization.k8s.io/v1): grant the rules of one
// role (roleRef) to subjects — Users, Groups and ServiceAccounts. A RoleBinding may name a
// Role of its namespace or a ClusterRole (granted only inside the namespace); a
// ClusterRoleBinding names a ClusterRole. roleRef is required and can never change (delete
// and re-create the binding instead). Defaults: roleRef.apiGroup and the apiGroup of User
// and Group subjects become rbac.authorization.k8s.io; a ServiceAccount's stays "" (omitted).

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { obj, opt, str, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { at, deepEqual, fieldInvalid, fieldNotSupported, fieldRequired, type FieldPath } from '../validation/field.ts';
import { isDNS1123Subdomain } from '../validation/names.ts';
import { nameIsPathSegment, RBAC_GROUP } from './role.ts';

export const SubjectSchema = obj({
  kind: str().describe('User, Group or ServiceAccount.'),
  apiGroup: opt(str(), '"" for ServiceAccounts, rbac.authorization.k8s.io (the default) for Users and Groups.'),
  name: str().describe('The name of the user, group or service account.'),
  namespace: opt(str(), 'The namespace of a ServiceAccount subject (required in ClusterRoleBindings).'),
}).describe('Who a binding grants its role to.');
export type Subject = z.infer<typeof SubjectSchema>;

export const RoleRefSchema = obj({
  apiGroup: opt(str(), 'The group of the role: rbac.authorization.k8s.io (the default).'),
  kind: str().describe('Role or ClusterRole.'),
  name: str().describe('The name of the role.'),
}).describe('The role a binding grants; it cannot be changed once set.');
export type RoleRef = z.infer<typeof RoleRefSchema>;

const bindingShape = {
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  subjects: opt(z.array(SubjectSchema), 'The users, groups and service accounts the role is granted to.'),
  roleRef: RoleRefSchema.describe('The role granted; Role or ClusterRole for a RoleBinding, ClusterRole for a ClusterRoleBinding. Immutable.'),
};

export const RoleBindingSchema = obj(bindingShape).describe('Grants a Role or ClusterRole to subjects within one namespace.');
export type RoleBinding = z.infer<typeof RoleBindingSchema>;

export const ClusterRoleBindingSchema = obj(bindingShape).describe('Grants a ClusterRole to subjects across the whole cluster.');
export type ClusterRoleBinding = z.infer<typeof ClusterRoleBindingSchema>;

type Binding = RoleBinding | ClusterRoleBinding;

/** The defaults Kubernetes gives a binding (roleRef.apiGroup and subjects' apiGroup). */
function setBindingDefaults(b: Binding): void {
  if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of b.subjects ?? []) {
    // a ServiceAccount's default is "", which the JSON form omits
    if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
  }
}

export function validateSubject(s: Subject, namespaced: boolean, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!s.name) causes.push(fieldRequired(at(path, 'name')));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const m of isDNS1123Subdomain(s.name)) causes.push(fieldInvalid(at(path, 'name'), s.name, m));
      if (s.apiGroup) causes.push(fieldNotSupported(at(path, 'apiGroup'), s.apiGroup, ['']));
      if (!namespaced && !s.namespace) causes.push(fieldRequired(at(path, 'namespace')));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) causes.push(fieldNotSupported(at(path, 'apiGroup'), s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      causes.push(fieldNotSupported(at(path, 'kind'), s.kind, ['ServiceAccount', 'User', 'Group']));
  }
  return causes;
}

function validateBinding(b: Binding, namespaced: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const ref = b.roleRef;
  if (ref.apiGroup !== RBAC_GROUP) causes.push(fieldNotSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) causes.push(fieldNotSupported('roleRef.kind', ref.kind, kinds));
  if (!ref.name) causes.push(fieldRequired('roleRef.name'));
  else for (const m of nameIsPathSegment(ref.name)) causes.push(fieldInvalid('roleRef.name', ref.name, m));
  (b.subjects ?? []).forEach((s, i) => causes.push(...validateSubject(s, namespaced, at('subjects', i))));
  return causes;
}

/** roleRef is immutable: Kubernetes reports the whole new roleRef, printed as a Go struct */
function validateBindingUpdate(b: Binding, old: Binding): StatusCause[] {
  const pick = (r: RoleRef): RoleRef => ({ apiGroup: r.apiGroup ?? '', kind: r.kind, name: r.name });
  const ref = pick(b.roleRef);
  if (deepEqual(ref, pick(old.roleRef))) return [];
  const shown = `rbac.RoleRef{APIGroup:${JSON.stringify(ref.apiGroup)}, Kind:${JSON.stringify(ref.kind)}, Name:${JSON.stringify(ref.name)}}`;
  return [{ reason: 'FieldValueInvalid', field: 'roleRef', message: `Invalid value: ${shown}: cannot change roleRef` }];
}

export const roleBindingKind = defineKind<RoleBinding>({
  type: resources.rolebindings,
  schema: RoleBindingSchema,
  nameRule: nameIsPathSegment,
  defaults: setBindingDefaults,
  validate: (b) => validateBinding(b, true),
  validateUpdate: validateBindingUpdate,
});

export const clusterRoleBindingKind = defineKind<ClusterRoleBinding>({
  type: resources.clusterrolebindings,
  schema: ClusterRoleBindingSchema,
  nameRule: nameIsPathSegment,
  defaults: setBindingDefaults,
  validate: (b) => validateBinding(b, false),
  validateUpdate: validateBindingUpdate,
});
