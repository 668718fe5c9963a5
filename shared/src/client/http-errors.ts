// Turning an HTTP error response into an ApiError. A body that is a Kubernetes `Status`
// is used as is; anything else (a proxy's HTML page, plain text) becomes a Status made
// from the HTTP code, with the reason and wording client-go's NewGenericServerResponse
// uses, so `isNotFound(err)` and friends work whatever answered.

import { ApiError } from '../errors.ts';
import type { Status } from '../errors.ts';

export function isStatus(body: unknown): body is Status {
  return typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status' && typeof (body as { code?: unknown }).code === 'number';
}

/** the ApiError for a failed response with this code and body text */
export function errorFromResponse(code: number, bodyText: string, method: string, retryAfterSeconds?: number): ApiError {
  try {
    const body: unknown = JSON.parse(bodyText);
    if (isStatus(body)) return new ApiError(body);
  } catch {
    // not JSON: fall through
  }
  const serverMessage = bodyText.trim().slice(0, 1024);
  let reason: string | undefined;
  let message = `the server responded with the status code ${code} but did not return more information`;
  switch (code) {
    case 400:
      reason = 'BadRequest';
      message = 'the server rejected our request for an unknown reason';
      break;
    case 401:
      reason = 'Unauthorized';
      message = 'the server has asked for the client to provide credentials';
      break;
    case 403:
      reason = 'Forbidden';
      message = serverMessage || message;
      break;
    case 404:
      reason = 'NotFound';
      message = 'the server could not find the requested resource';
      break;
    case 405:
      reason = 'MethodNotAllowed';
      message = 'the server does not allow this method on the requested resource';
      break;
    case 409:
      reason = method === 'POST' ? 'AlreadyExists' : 'Conflict';
      message = 'the server reported a conflict';
      break;
    case 410:
      reason = 'Gone';
      break;
    case 422:
      reason = 'Invalid';
      message = 'the server rejected our request due to an error in our request';
      break;
    case 429:
      reason = 'TooManyRequests';
      message = 'the server has received too many requests and has asked us to try again later';
      break;
    case 504:
      reason = 'Timeout';
      message = 'the server was unable to return a response in the time allotted, but may still be processing the request';
      break;
    default:
      if (code >= 500) {
        reason = 'InternalError';
        message = `an error on the server (${JSON.stringify(serverMessage)}) has prevented the request from succeeding`;
      }
  }
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
  if (reason) status.reason = reason;
  const details: NonNullable<Status['details']> = {};
  if (serverMessage) details.causes = [{ reason: 'UnexpectedServerResponse', message: serverMessage }];
  if (retryAfterSeconds !== undefined) details.retryAfterSeconds = retryAfterSeconds;
  if (Object.keys(details).length > 0) status.details = details;
  return new ApiError(status);
}
