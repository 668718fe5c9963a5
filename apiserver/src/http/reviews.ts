// Reviews: create-only resources that ask the apiserver a question about the caller and
// get the answer back in `status`; nothing is stored, nothing can be read back.
//   authentication.k8s.io/v1 selfsubjectreviews        who am I        (kubectl auth whoami)
//   authorization.k8s.io/v1  selfsubjectaccessreviews  may I do this?  (kubectl auth can-i)
//   authorization.k8s.io/v1  selfsubjectrulesreviews   what may I do in namespace N? (can-i --list)
// The answers come from the Authorizer (../auth/authorizer.ts) that guards every request,
// so a real authorizer answers them per user. kubesim serves neither SubjectAccessReview
// nor LocalSubjectAccessReview (asking about someone else).
import { badRequest, failure, formatTime, invalid } from '@kubesim/shared';
import type { ResourceType, StatusCause } from '@kubesim/shared';
import type { AuthorizationAttributes, Authorizer } from '../auth/authorizer.ts';
import type { UserInfo } from '../registry/registry.ts';
import { isPlainObject } from '../registry/objects.ts';
import type { RequestInfo } from './request-info.ts';

function review(group: string, kind: string): ResourceType {
  const singular = kind.toLowerCase();
  return { group, version: 'v1', kind, resource: `${singular}s`, singular, namespaced: false, shortNames: [], categories: [], subresources: [] };
}

const SELF_SUBJECT_REVIEW = review('authentication.k8s.io', 'SelfSubjectReview');
const SELF_SUBJECT_ACCESS_REVIEW = review('authorization.k8s.io', 'SelfSubjectAccessReview');
const SELF_SUBJECT_RULES_REVIEW = review('authorization.k8s.io', 'SelfSubjectRulesReview');

/** for discovery: each is listed with the single verb `create` */
export const reviewTypes: readonly ResourceType[] = [SELF_SUBJECT_REVIEW, SELF_SUBJECT_ACCESS_REVIEW, SELF_SUBJECT_RULES_REVIEW];

/** the review a request path names (cluster scope, no name), if any */
export function reviewTypeFor(info: RequestInfo): ResourceType | undefined {
  if (info.name || info.namespace || info.subresource) return undefined;
  return reviewTypes.find((t) => t.group === info.group && t.version === info.version && t.resource === info.resource);
}

export interface ReviewContext {
  user: UserInfo;
  authorizer: Authorizer;
  now: () => number;
}

/** the answered review (sent with 201); `body` decodes the request (undefined if empty) and
 *  is called only by reviews that read it (whoami's body says nothing, and kubesim cannot
 *  decode its protobuf form) */
export async function answerReview(type: ResourceType, body: () => unknown, ctx: ReviewContext): Promise<Record<string, unknown>> {
  const apiVersion = `${type.group}/${type.version}`;
  if (type === SELF_SUBJECT_REVIEW) {
    // the body carries nothing the answer depends on
    const u = ctx.user;
    const userInfo: Record<string, unknown> = { username: u.username, groups: u.groups };
    if (u.uid) userInfo['uid'] = u.uid;
    return { kind: type.kind, apiVersion, metadata: { creationTimestamp: formatTime(ctx.now()) }, status: { userInfo } };
  }
  const obj = reviewBody(type, body());
  const spec = objectField(type, obj, 'spec', 'spec') ?? {};
  if (type === SELF_SUBJECT_ACCESS_REVIEW) {
    const attrs = accessAttributes(type, obj, spec, ctx.user);
    const d = await ctx.authorizer.authorize(attrs);
    const status: Record<string, unknown> = { allowed: d.allowed };
    if (d.denied) status['denied'] = true;
    if (d.reason) status['reason'] = d.reason;
    if (d.evaluationError) status['evaluationError'] = d.evaluationError;
    return { kind: type.kind, apiVersion, metadata: {}, spec, status };
  }
  const namespace = stringField(type, spec, 'namespace', 'spec.namespace');
  if (!namespace) throw badRequest('no namespace on request');
  const rules = ctx.authorizer.rulesFor ? await ctx.authorizer.rulesFor(ctx.user, namespace) : { resourceRules: [], nonResourceRules: [], incomplete: true };
  const status: Record<string, unknown> = { resourceRules: rules.resourceRules, nonResourceRules: rules.nonResourceRules, incomplete: rules.incomplete };
  if (rules.evaluationError) status['evaluationError'] = rules.evaluationError;
  // Kubernetes answers with a fresh review: the spec is not echoed
  return { kind: type.kind, apiVersion, metadata: {}, spec: {}, status };
}

function reviewBody(type: ResourceType, body: unknown): Record<string, unknown> {
  if (body === undefined) throw badRequest('the body of the request was empty');
  if (!isPlainObject(body)) throw badRequest('Object in body is not a JSON object');
  const apiVersion = `${type.group}/${type.version}`;
  if (body['apiVersion'] !== undefined && body['apiVersion'] !== apiVersion) {
    throw badRequest(`the API version in the data (${String(body['apiVersion'])}) does not match the expected API version (${apiVersion})`);
  }
  if (body['kind'] !== undefined && body['kind'] !== type.kind) {
    throw badRequest(`the kind in the data (${String(body['kind'])}) does not match the expected kind (${type.kind})`);
  }
  return body;
}

/** Go's JSON decoder refuses a field of the wrong type with a 400 */
function wrongType(type: ResourceType, path: string, want: string): never {
  throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: json: cannot unmarshal into field ${path} of type ${want}`);
}

function objectField(type: ResourceType, o: Record<string, unknown>, key: string, path: string): Record<string, unknown> | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) wrongType(type, path, 'object');
  return v;
}

function stringField(type: ResourceType, o: Record<string, unknown>, key: string, path: string): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') wrongType(type, path, 'string');
  return v;
}

/** validate a SelfSubjectAccessReview and turn its spec into authorization attributes */
function accessAttributes(type: ResourceType, obj: Record<string, unknown>, spec: Record<string, unknown>, user: UserInfo): AuthorizationAttributes {
  const ra = objectField(type, spec, 'resourceAttributes', 'spec.resourceAttributes');
  const nra = objectField(type, spec, 'nonResourceAttributes', 'spec.nonResourceAttributes');
  const causes: StatusCause[] = [];
  if (ra && nra) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', message: `Invalid value: ${JSON.stringify(nra)}: cannot be specified in combination with resourceAttributes` });
  }
  if (!ra && !nra) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.resourceAttributes', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified' });
  }
  const meta = objectField(type, obj, 'metadata', 'metadata') ?? {};
  const metaSet = Object.entries(meta).filter(([k, v]) => k !== 'managedFields' && v !== null && v !== '' && !(isPlainObject(v) && Object.keys(v).length === 0));
  if (metaSet.length) causes.push({ reason: 'FieldValueInvalid', field: 'metadata', message: `Invalid value: ${JSON.stringify(meta)}: must be empty` });
  if (causes.length) {
    const err = invalid(type.kind, type.group, '', causes);
    // Kubernetes names the kind with its group in the message
    throw failure(422, 'Invalid', err.message.replace(`${type.kind} ""`, `${type.kind}.${type.group} ""`), err.status.details);
  }
  if (ra) {
    const at = (key: string): string => stringField(type, ra, key, `spec.resourceAttributes.${key}`);
    const attrs: AuthorizationAttributes = { user, verb: at('verb'), group: at('group'), resource: at('resource') };
    for (const key of ['subresource', 'namespace', 'name'] as const) {
      const v = at(key);
      if (v) attrs[key] = v;
    }
    return attrs;
  }
  const path = (key: string): string => stringField(type, nra!, key, `spec.nonResourceAttributes.${key}`);
  return { user, verb: path('verb'), path: path('path') };
}
