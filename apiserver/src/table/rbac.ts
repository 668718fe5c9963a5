// Table printers for the RBAC kinds, as Kubernetes prints them: Roles and ClusterRoles show
// only NAME and CREATED AT (the creation time in RFC 3339, not an age); RoleBindings and
// ClusterRoleBindings show NAME, ROLE (`Role/pod-reader`) and AGE, and with `-o wide` their
// subjects split into USERS, GROUPS and SERVICEACCOUNTS (`namespace:name`), comma-joined.

import type { KubeObject } from '@kubesim/shared';
import { ageColumn, col, get, list, nameColumn, str, type Printer } from './columns.ts';
import { since } from './duration.ts';

const createdAtColumn = col('Created At', 'date', 'When the object was created (metadata.creationTimestamp).');

export const rolePrinter: Printer = {
  columns: [nameColumn, createdAtColumn],
  cells: (o) => [o.metadata.name ?? '', o.metadata.creationTimestamp ?? ''],
};

/** users, groups and service accounts of a binding's subjects, each list comma-joined */
export function subjectStrings(binding: KubeObject): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of list(get(binding, 'subjects'))) {
    const name = str(get(s, 'name'));
    switch (get(s, 'kind')) {
      case 'User':
        users.push(name);
        break;
      case 'Group':
        groups.push(name);
        break;
      case 'ServiceAccount':
        serviceAccounts.push(`${str(get(s, 'namespace'))}:${name}`);
        break;
    }
  }
  return [users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
}

export const roleBindingPrinter: Printer = {
  columns: [
    nameColumn,
    col('Role', 'string', 'The role the binding grants, as Kind/name.'),
    ageColumn,
    col('Users', 'string', 'The users the role is granted to.', 1),
    col('Groups', 'string', 'The groups the role is granted to.', 1),
    col('ServiceAccounts', 'string', 'The service accounts the role is granted to, as namespace:name.', 1),
  ],
  cells: (o, now) => [
    o.metadata.name ?? '',
    `${str(get(o, 'roleRef', 'kind'))}/${str(get(o, 'roleRef', 'name'))}`,
    since(o.metadata.creationTimestamp, now),
    ...subjectStrings(o),
  ],
};
