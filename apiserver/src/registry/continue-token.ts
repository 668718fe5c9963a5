// Continue tokens for paginated lists: opaque base64 of {"v":"meta.k8s.io/v1","rv":R,"start":K}
// where R is the store revision the first page was read at and K the last key returned.
// Every later page reads at R, so the pages together are one consistent snapshot. When R
// has been compacted the token has expired (410, as Kubernetes answers).
import { badRequest } from '@kubesim/shared';

export interface ContinueToken {
  rv: number;
  /** the last key of the previous page; the next page starts strictly after it */
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start })).toString('base64url');
}

export function decodeContinue(text: string, prefix: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data');
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown } | null;
  if (!p || typeof p !== 'object' || p.v !== 'meta.k8s.io/v1' || typeof p.rv !== 'number' || !Number.isSafeInteger(p.rv) || typeof p.start !== 'string') {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (p.rv <= 0) throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (!p.start.startsWith(prefix)) throw badRequest('continue key is not valid: key does not belong to this list');
  return { rv: p.rv, start: p.start };
}
