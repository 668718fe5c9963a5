// Every failure leaves as a Kubernetes Status with the matching HTTP code. ApiErrors
// carry their own Status; fastify's own 4xx errors (body too large, bad content length,
// malformed URL) map to the nearest Kubernetes reason; anything else is a bug and
// becomes a 500 InternalError (logged).
import { ApiError, failure, tooLarge } from '@kubesim/shared';
import type { Status } from '@kubesim/shared';
import { MAX_BODY_BYTES } from './body.ts';

const REASONS: Record<number, Parameters<typeof failure>[1]> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function toApiError(err: unknown): { error: ApiError; bug: boolean } {
  if (err instanceof ApiError) return { error: err, bug: err.code >= 500 && err.code !== 503 && err.code !== 504 };
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (e && e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { error: tooLarge(`Request entity too large: limit is ${MAX_BODY_BYTES}`), bug: false };
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = e.statusCode;
    return { error: failure(code, REASONS[code] ?? 'BadRequest', e.message ?? 'bad request'), bug: false };
  }
  return { error: failure(500, 'InternalError', `Internal error occurred: ${e?.message ?? String(err)}`), bug: true };
}

export function statusBody(err: ApiError): Status {
  return err.status;
}
