// ServiceAccount tokens: the JWTs that `serviceaccounts/<name>/token` (TokenRequest, what
// `kubectl create token` asks for) issues and the authenticator accepts. As in Kubernetes,
// a token is signed by the apiserver's service-account key (ES256, `<data-dir>/pki/sa.key`,
// made at first start), names its issuer and audiences, expires, and authenticates as
// `system:serviceaccount:<namespace>:<name>` in the groups `system:serviceaccounts` and
// `system:serviceaccounts:<namespace>`. Only tokens for the API audience log in.
// Simplified: a token stays valid until it expires even when its ServiceAccount is deleted
// (Kubernetes looks the account up on every request); no Pod or Secret binding.

import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify, createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UserInfo } from '../registry/core.ts';

/** Kubernetes' default issuer, which is also the API's audience. */
export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

/** the username prefix of a ServiceAccount: `system:serviceaccount:<namespace>:<name>` */
export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** the groups every ServiceAccount of `namespace` is in (besides system:authenticated) */
export const serviceAccountGroups = (namespace: string): string[] => ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];

export interface ServiceAccountRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface IssuedToken {
  token: string;
  /** seconds since the epoch */
  expiresAt: number;
}

interface Claims {
  iss?: unknown;
  sub?: unknown;
  aud?: unknown;
  exp?: unknown;
  nbf?: unknown;
  iat?: unknown;
  jti?: unknown;
  'kubernetes.io'?: { namespace?: unknown; serviceaccount?: { name?: unknown; uid?: unknown } };
}

const b64 = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** `<data-dir>/pki/sa.key`, the PEM of the signing key; written (mode 0600) when missing. */
export function loadOrCreateServiceAccountKey(dataDir: string): KeyObject {
  const path = join(dataDir, 'pki', 'sa.key');
  if (existsSync(path)) return createPrivateKey(readFileSync(path, 'utf8'));
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  mkdirSync(join(dataDir, 'pki'), { recursive: true });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return privateKey;
}

export class ServiceAccountTokens {
  private keys: { privateKey: KeyObject; publicKey: KeyObject } | undefined;

  /** Without a key, one of its own, made at first use, that lives as long as this object
   *  (tests and simulations, most of which never issue a token). */
  constructor(private readonly givenKey?: KeyObject) {}

  private get privateKey(): KeyObject {
    return this.keyPair().privateKey;
  }

  private get publicKey(): KeyObject {
    return this.keyPair().publicKey;
  }

  private keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
    if (!this.keys) {
      const privateKey = this.givenKey ?? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
      this.keys = { privateKey, publicKey: createPublicKey(privateKey) };
    }
    return this.keys;
  }

  /** A signed token for `account`, valid `expirationSeconds` from `nowMs`. */
  issue(account: ServiceAccountRef, audiences: readonly string[], expirationSeconds: number, nowMs: number): IssuedToken {
    const now = Math.floor(nowMs / 1000);
    const expiresAt = now + expirationSeconds;
    const claims = {
      aud: audiences,
      exp: expiresAt,
      iat: now,
      iss: API_AUDIENCE,
      jti: randomUUID(),
      'kubernetes.io': { namespace: account.namespace, serviceaccount: { name: account.name, uid: account.uid } },
      nbf: now,
      sub: `${SERVICE_ACCOUNT_PREFIX}${account.namespace}:${account.name}`,
    };
    const signingInput = `${b64(JSON.stringify({ alg: 'ES256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${signingInput}.${signature.toString('base64url')}`, expiresAt };
  }

  /** The ServiceAccount user of a token this issuer signed for the API, or undefined (401). */
  authenticate(token: string, nowMs: number): UserInfo | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const signed = verify('sha256', Buffer.from(`${header}.${payload}`), { key: this.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
    if (!signed) return undefined;
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
    } catch {
      return undefined;
    }
    const now = nowMs / 1000;
    if (claims.iss !== API_AUDIENCE) return undefined;
    if (!Array.isArray(claims.aud) || !claims.aud.includes(API_AUDIENCE)) return undefined;
    if (typeof claims.exp !== 'number' || now >= claims.exp) return undefined;
    if (typeof claims.nbf === 'number' && now < claims.nbf) return undefined;
    const k8s = claims['kubernetes.io'];
    const namespace = k8s?.namespace;
    const name = k8s?.serviceaccount?.name;
    const uid = k8s?.serviceaccount?.uid;
    if (typeof namespace !== 'string' || typeof name !== 'string' || claims.sub !== `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`) return undefined;
    const user: UserInfo = { username: claims.sub, groups: [...serviceAccountGroups(namespace), 'system:authenticated'] };
    if (typeof uid === 'string') user.uid = uid;
    return user;
  }
}
