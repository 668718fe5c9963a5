// User impersonation (`kubectl --as=jane --as-group=devs`): the headers Impersonate-User,
// Impersonate-Group (repeated) and Impersonate-Uid make the request act as that user, once
// the authorizer lets the caller `impersonate` each of them (users, groups, uids, or
// serviceaccounts for `system:serviceaccount:<ns>:<name>`). As in Kubernetes, the acting
// user is in `system:authenticated` (a service account also in `system:serviceaccounts`
// and `system:serviceaccounts:<ns>`), and groups or a uid without a user are refused.
// Simplified: Impersonate-Extra-* headers are not carried (UserInfo has no extra).
import type { IncomingMessage } from 'node:http';
import { badRequest } from '@kubesim/shared';
import type { AuthorizationAttributes } from './authorizer.ts';
import type { UserInfo } from '../registry/core.ts';
import { SERVICE_ACCOUNT_PREFIX, serviceAccountGroups } from './serviceaccount-token.ts';

export interface Impersonation {
  user: UserInfo;
  /** what the caller must be allowed to `impersonate`, one check each */
  checks: Array<Omit<AuthorizationAttributes, 'user'>>;
}

/** every value of a header, repeated headers apart (fastify's inject gives no headersDistinct) */
function headerValues(req: IncomingMessage, name: string): string[] {
  const distinct = (req.headersDistinct as IncomingMessage['headersDistinct'] | undefined)?.[name];
  if (distinct) return distinct;
  const value = req.headers[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** the impersonation a request asks for, or undefined; 400 for groups or a uid without a user */
export function impersonationOf(req: IncomingMessage): Impersonation | undefined {
  const username = headerValues(req, 'impersonate-user')[0];
  const groups = headerValues(req, 'impersonate-group');
  const uid = headerValues(req, 'impersonate-uid')[0];
  if (username === undefined) {
    if (groups.length || uid !== undefined) throw badRequest(`requested impersonation of groups [${groups.join(' ')}]${uid !== undefined ? ` and uid ${uid}` : ''} without impersonating a user`);
    return undefined;
  }
  const checks: Impersonation['checks'] = [];
  const userGroups = [...groups];
  if (username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
    const [namespace = '', name = ''] = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
    checks.push({ verb: 'impersonate', group: '', resource: 'serviceaccounts', namespace, name });
    userGroups.push(...serviceAccountGroups(namespace));
  } else {
    checks.push({ verb: 'impersonate', group: '', resource: 'users', name: username });
  }
  for (const g of groups) checks.push({ verb: 'impersonate', group: '', resource: 'groups', name: g });
  if (uid !== undefined) checks.push({ verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: uid });
  if (username !== 'system:anonymous' && !userGroups.includes('system:authenticated')) userGroups.push('system:authenticated');
  const user: UserInfo = { username, groups: userGroups };
  if (uid !== undefined) user.uid = uid;
  return { user, checks };
}
