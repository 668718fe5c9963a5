// Kubernetes `Status` errors. The apiserver answers every failure with one of these
// (kind Status, status Failure, a reason, a code); the HTTP client turns such a body
// back into an ApiError, so callers on either transport test errors the same way:
// `if (isNotFound(err)) ...`. Messages follow Kubernetes' wording, which kubectl prints.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'MethodNotAllowed'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export class ApiError extends Error {
  readonly status: Status;
  constructor(status: Status) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
    this.status = status;
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

export function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): ApiError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return new ApiError(status);
}

/**
 * The 404 for a path no route serves (an unknown group, version, resource or subresource).
 * Kubernetes answers it through NewGenericServerResponse, whose details are empty but
 * present, and kubectl relies on that: `kubectl debug` tells a cluster without
 * `pods/ephemeralcontainers` from a missing pod by `details.name == ""`, and panics on a
 * Status without details.
 */
export function routeNotFound(): ApiError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function successStatus(code = 200, details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
  if (details) s.details = details;
  return s;
}

/** `deployments.apps`, or `pods` for the core group, as Kubernetes names a resource in messages. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

/** Status details naming an object; an empty (core) group is left out, as Go's omitempty does */
function objectDetails(name: string, group: string, kind: string): StatusDetails {
  return group ? { name, group, kind } : { name, kind };
}

export function notFound(resource: string, group: string, name: string): ApiError {
  return failure(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, objectDetails(name, group, resource));
}

export function alreadyExists(resource: string, group: string, name: string): ApiError {
  return failure(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, objectDetails(name, group, resource));
}

export function conflict(resource: string, group: string, name: string, why: string): ApiError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`, objectDetails(name, group, resource));
}

/** 422, rebuilt by kubectl as `The Deployment "web" is invalid: spec.replicas: Invalid value: ...`. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? ''))).join(', ');
  const msg = causes.length === 1 ? `${kind} "${name}" is invalid: ${list}` : `${kind} "${name}" is invalid: [${list}]`;
  return failure(422, 'Invalid', msg, { ...objectDetails(name, group, kind), causes });
}

/** 410: a watch or list asked for history that was compacted away. */
export function expired(message: string): ApiError {
  return failure(410, 'Expired', message);
}

export function gone(message: string): ApiError {
  return failure(410, 'Gone', message);
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

export function forbidden(message: string): ApiError {
  return failure(403, 'Forbidden', message);
}

export function unauthorized(message = 'Unauthorized'): ApiError {
  return failure(401, 'Unauthorized', message);
}

export function tooLarge(message = 'Request entity too large: limit is 3145728'): ApiError {
  return failure(413, 'RequestEntityTooLarge', message);
}

export function tooManyRequests(message: string, retryAfterSeconds = 1): ApiError {
  return failure(429, 'TooManyRequests', message, { retryAfterSeconds });
}

export function methodNotAllowed(message: string): ApiError {
  return failure(405, 'MethodNotAllowed', message);
}

export function unsupportedMediaType(contentType: string): ApiError {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`);
}

export function internalError(message: string): ApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`);
}

function reasonOf(err: unknown): string | undefined {
  return err instanceof ApiError ? err.status.reason : undefined;
}
function codeOf(err: unknown): number | undefined {
  return err instanceof ApiError ? err.status.code : undefined;
}

export const isNotFound = (err: unknown): boolean => reasonOf(err) === 'NotFound' || codeOf(err) === 404;
export const isAlreadyExists = (err: unknown): boolean => reasonOf(err) === 'AlreadyExists';
export const isConflict = (err: unknown): boolean => reasonOf(err) === 'Conflict';
export const isInvalid = (err: unknown): boolean => reasonOf(err) === 'Invalid' || codeOf(err) === 422;
export const isGone = (err: unknown): boolean => codeOf(err) === 410;
export const isForbidden = (err: unknown): boolean => codeOf(err) === 403;
export const isUnauthorized = (err: unknown): boolean => codeOf(err) === 401;
export const isTooManyRequests = (err: unknown): boolean => codeOf(err) === 429;
export const isBadRequest = (err: unknown): boolean => codeOf(err) === 400;
