import { describe, expect, it } from 'vitest';
import { defaultingTable, updateTable, validationTable, defaulted } from '../testing/cases.ts';
import { kindDefinitions } from '../kinds.ts';
import { nameIsPathSegment } from './role.ts';

describe('RBAC names', () => {
  it('accepts colons and capitals, which DNS names refuse', () => {
    expect(nameIsPathSegment('system:controller:Job-Runner')).toEqual([]);
  });
  it('refuses the names that cannot be one URL path segment', () => {
    expect(nameIsPathSegment('..')).toEqual(["may not be '..'"]);
    expect(nameIsPathSegment('a/b%c')).toEqual(["may not contain '/'", "may not contain '%'"]);
  });
  it('lets a ClusterRole be named system:viewer', () => {
    const cr = defaulted('clusterroles', { metadata: { name: 'system:viewer' } });
    expect(kindDefinitions.clusterroles.validate(cr as never)).toEqual([]);
  });
});

describe('role', () => {
  validationTable('roles', [
    ['a rule needs verbs', { rules: [{ verbs: [], apiGroups: [''], resources: ['pods'] }] }, { field: 'rules[0].verbs', message: 'Required value: verbs must contain at least one value' }],
    ['a resource rule needs an api group', { rules: [{ verbs: ['get'], resources: ['pods'] }] }, { field: 'rules[0].apiGroups', reason: 'FieldValueRequired' }],
    ['a resource rule needs resources', { rules: [{ verbs: ['get'], apiGroups: [''], resources: [] }] }, { field: 'rules[0].resources', message: 'Required value: resource rules must supply at least one resource' }],
    [
      'a namespaced rule cannot name URLs',
      { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'], apiGroups: [], resources: [] }] },
      { field: 'rules[0].nonResourceURLs', message: 'Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs' },
    ],
    ['a role lives in a namespace', { metadata: { namespace: '' } }, { field: 'metadata.namespace', reason: 'FieldValueRequired' }],
  ]);
});

describe('clusterrole', () => {
  validationTable('clusterroles', [
    [
      'a rule is either about resources or about URLs',
      { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'], nonResourceURLs: ['/healthz'] }] },
      { field: 'rules[0].nonResourceURLs', message: 'Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs' },
    ],
    ['an aggregation rule needs a selector', { aggregationRule: { clusterRoleSelectors: [] } }, { field: 'aggregationRule.clusterRoleSelectors', reason: 'FieldValueRequired' }],
    ['clusterroles are cluster-scoped', { metadata: { namespace: 'default' } }, { field: 'metadata.namespace', reason: 'FieldValueForbidden' }],
  ]);
  it('accepts a URL rule and an aggregation rule', () => {
    const cr = defaulted('clusterroles', {
      rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate': 'true' } }] },
    });
    (cr as { rules: unknown[] }).rules = [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }];
    expect(kindDefinitions.clusterroles.validate(cr as never)).toEqual([]);
  });
});

describe('rolebinding', () => {
  defaultingTable('rolebindings', [
    ['roleRef.apiGroup defaults to rbac.authorization.k8s.io', {}, (b) => b.roleRef.apiGroup, 'rbac.authorization.k8s.io'],
    ['users and groups get the rbac group', { subjects: [{ kind: 'User', name: 'a' }, { kind: 'Group', name: 'g' }] }, (b) => b.subjects.map((s: { apiGroup: string }) => s.apiGroup), ['rbac.authorization.k8s.io', 'rbac.authorization.k8s.io']],
    ['service accounts keep the core group, omitted', { subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'default' }] }, (b) => 'apiGroup' in b.subjects[0], false],
  ]);
  validationTable('rolebindings', [
    ['roleRef.kind is Role or ClusterRole', { roleRef: { kind: 'Group' } }, { field: 'roleRef.kind', message: 'Unsupported value: "Group": supported values: "Role", "ClusterRole"' }],
    ['roleRef.apiGroup is the rbac group', { roleRef: { apiGroup: 'apps' } }, { field: 'roleRef.apiGroup', reason: 'FieldValueNotSupported' }],
    ['roleRef.name is required', { roleRef: { name: '' } }, { field: 'roleRef.name', reason: 'FieldValueRequired' }],
    ['subjects are users, groups or service accounts', { subjects: [{ kind: 'Robot', name: 'r2' }] }, { field: 'subjects[0].kind', reason: 'FieldValueNotSupported' }],
    ['a subject has a name', { subjects: [{ kind: 'User', name: '' }] }, { field: 'subjects[0].name', reason: 'FieldValueRequired' }],
    ['a service account subject is in the core group', { subjects: [{ kind: 'ServiceAccount', name: 'sa', apiGroup: 'rbac.authorization.k8s.io' }] }, { field: 'subjects[0].apiGroup', reason: 'FieldValueNotSupported' }],
    ['a service account name is a DNS subdomain', { subjects: [{ kind: 'ServiceAccount', name: 'Builder' }] }, { field: 'subjects[0].name', reason: 'FieldValueInvalid' }],
  ]);
  updateTable('rolebindings', [
    ['subjects may change', {}, (b) => { b.subjects.push({ kind: 'User', name: 'bob', apiGroup: 'rbac.authorization.k8s.io' }); }, null],
    ['roleRef may not change', {}, (b) => { b.roleRef.name = 'admin'; }, { field: 'roleRef', reason: 'FieldValueInvalid' }],
  ]);
  it('requires a roleRef', () => {
    const b = defaulted('rolebindings') as { roleRef?: unknown };
    delete b.roleRef;
    expect(kindDefinitions.rolebindings.validate(b as never)).toEqual([{ reason: 'FieldValueRequired', field: 'roleRef', message: 'Required value' }]);
  });
  it('says which roleRef it refused', () => {
    const old = defaulted('rolebindings');
    const next = structuredClone(old) as { roleRef: { kind: string } };
    next.roleRef.kind = 'ClusterRole';
    expect(kindDefinitions.rolebindings.validateUpdate(next as never, old as never)).toEqual([
      { reason: 'FieldValueInvalid', field: 'roleRef', message: 'Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"pod-reader"}: cannot change roleRef' },
    ]);
  });
});

describe('clusterrolebinding', () => {
  validationTable('clusterrolebindings', [
    ['roleRef names a ClusterRole', { roleRef: { kind: 'Role' } }, { field: 'roleRef.kind', message: 'Unsupported value: "Role": supported values: "ClusterRole"' }],
    ['a service account subject needs its namespace', { subjects: [{ kind: 'ServiceAccount', name: 'builder' }] }, { field: 'subjects[0].namespace', reason: 'FieldValueRequired' }],
  ]);
  updateTable('clusterrolebindings', [['roleRef may not change', {}, (b) => { b.roleRef.name = 'other'; }, { field: 'roleRef', reason: 'FieldValueInvalid' }]]);
});
