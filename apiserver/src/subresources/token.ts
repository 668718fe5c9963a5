// `serviceaccounts/token` (authentication.k8s.io/v1 TokenRequest), what `kubectl create
// token` posts: a signed token for an existing ServiceAccount (auth/serviceaccount-token.ts).
// As Kubernetes: expirationSeconds defaults to 3600 and must lie between 10 minutes and 2^32
// seconds; no audiences means the API's; the answer is the request with status.token and
// status.expirationTimestamp, 201. Simplified: boundObjectRef is refused, not bound.

import { badRequest, formatTime, invalid, resources, type KubeObject, type StatusCause } from '@kubesim/shared';
import { API_AUDIENCE, type ServiceAccountTokens } from '../auth/serviceaccount-token.ts';
import { isPlainObject } from '../registry/objects.ts';
import type { Registry, SubresourceHandler, SubresourceRequest } from '../registry/registry.ts';

const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

interface TokenRequestSpec {
  audiences: string[];
  expirationSeconds: number;
}

function specOf(body: unknown): TokenRequestSpec {
  if (!isPlainObject(body)) throw badRequest('Object in body is not a JSON object');
  if (body['kind'] !== undefined && body['kind'] !== 'TokenRequest') {
    throw badRequest(`the kind in the data (${String(body['kind'])}) does not match the expected kind (TokenRequest)`);
  }
  const spec = body['spec'] ?? {};
  if (!isPlainObject(spec)) throw invalid('TokenRequest', 'authentication.k8s.io', '', [{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: must be an object' }]);
  const causes: StatusCause[] = [];
  const audiences: unknown = spec['audiences'] ?? [];
  const audienceList = Array.isArray(audiences) && audiences.every((a) => typeof a === 'string') ? (audiences as string[]) : undefined;
  if (!audienceList) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.audiences', message: 'Invalid value: must be a list of strings' });
  }
  const expirationSeconds = spec['expirationSeconds'] ?? DEFAULT_EXPIRATION_SECONDS;
  if (typeof expirationSeconds !== 'number' || !Number.isInteger(expirationSeconds)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${JSON.stringify(expirationSeconds)}: must be an integer` });
  } else if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes` });
  } else if (expirationSeconds > MAX_EXPIRATION_SECONDS) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds` });
  }
  if (spec['boundObjectRef'] !== undefined && spec['boundObjectRef'] !== null) {
    causes.push({ reason: 'FieldValueNotSupported', field: 'spec.boundObjectRef', message: 'Unsupported value: kubesim does not bind tokens to objects' });
  }
  if (causes.length) throw invalid('TokenRequest', 'authentication.k8s.io', '', causes);
  return { audiences: audienceList?.length ? audienceList : [API_AUDIENCE], expirationSeconds: expirationSeconds as number };
}

/** Issue a token for the ServiceAccount `req.name`; 404 when it does not exist. */
export async function createToken(registry: Registry, tokens: ServiceAccountTokens, req: SubresourceRequest): Promise<{ code: number; body: unknown }> {
  const spec = specOf(req.body);
  const account = (await registry.get(resources.serviceaccounts, req.name, req.namespace ? { namespace: req.namespace } : {})) as KubeObject;
  const now = registry.clock.now();
  const issued = tokens.issue({ namespace: account.metadata.namespace ?? '', name: req.name, uid: account.metadata.uid ?? '' }, spec.audiences, spec.expirationSeconds, now);
  return {
    code: 201,
    body: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: req.name, namespace: account.metadata.namespace, creationTimestamp: formatTime(now) },
      spec: { audiences: spec.audiences, expirationSeconds: spec.expirationSeconds, boundObjectRef: null },
      status: { token: req.dryRun ? '' : issued.token, expirationTimestamp: formatTime(issued.expiresAt * 1000) },
    },
  };
}

export function tokenHandler(registry: Registry, tokens: ServiceAccountTokens): SubresourceHandler {
  return { create: (req) => createToken(registry, tokens, req) };
}
