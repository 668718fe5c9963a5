// The authorization seam. Every request is checked with the attributes Kubernetes'
// authorizers see (user, verb, API group, resource, subresource, namespace, name, or a
// non-resource path); the answer also feeds SelfSubjectAccessReview (`kubectl auth
// can-i`), and `rulesFor` (Kubernetes' RuleResolver) feeds SelfSubjectRulesReview (`can-i
// --list`). kubesim allows every authenticated user for now (`allowAll`, Kubernetes'
// AlwaysAllow); RBAC will implement this interface. A denial becomes a 403 in Kubernetes' wording.
import { forbidden } from '@kubesim/shared';
import type { ApiError } from '@kubesim/shared';
import type { UserInfo } from '../registry/core.ts';

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** for non-resource requests such as /healthz */
  path?: string;
}

/** Kubernetes' three decisions: allowed; denied (an explicit no); neither (no opinion) */
export interface AuthorizationDecision {
  allowed: boolean;
  /** an explicit denial, which no later authorizer may override */
  denied?: boolean;
  /** why, for people (SubjectAccessReview status.reason) */
  reason?: string;
  /** the authorizer failed part-way (status.evaluationError) */
  evaluationError?: string;
}

/** one rule as SelfSubjectRulesReview reports it ("*" matches everything) */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

export interface SubjectRules {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  /** true when the authorizer cannot list everything it would allow */
  incomplete: boolean;
  evaluationError?: string;
}

export interface Authorizer {
  authorize(attrs: AuthorizationAttributes): AuthorizationDecision | Promise<AuthorizationDecision>;
  /** what the user may do in the namespace; absent: this authorizer cannot tell (incomplete) */
  rulesFor?(user: UserInfo, namespace: string): SubjectRules | Promise<SubjectRules>;
}

const EVERYTHING: SubjectRules = {
  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
  incomplete: false,
};

/** every authenticated request is allowed (authentication has already refused the rest) */
export const allowAll: Authorizer = {
  authorize: () => ({ allowed: true, reason: 'kubesim authorizes every authenticated user' }),
  rulesFor: () => structuredClone(EVERYTHING),
};

export function denied(a: AuthorizationAttributes): ApiError {
  if (!a.resource) return forbidden(`forbidden: User "${a.user.username}" cannot ${a.verb} path "${a.path ?? ''}"`);
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const qualified = a.group ? `${res}.${a.group}` : res;
  const where = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  const named = a.name ? `${qualified} "${a.name}"` : qualified;
  return forbidden(`${named} is forbidden: User "${a.user.username}" cannot ${a.verb} resource "${res}" in API group "${a.group ?? ''}"${where}`);
}
