import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeRegistry } from '../test-helpers.ts';
import type { Registry } from '../registry/registry.ts';
import { buildApp } from '../http/app.ts';
import { TokenAuthenticator } from './tokens.ts';
import { API_AUDIENCE, ServiceAccountTokens, loadOrCreateServiceAccountKey } from './serviceaccount-token.ts';

const account = { namespace: 'team-a', name: 'builder', uid: 'uid-1' };
const NOW = Date.UTC(2026, 0, 1);

describe('ServiceAccountTokens', () => {
  const tokens = new ServiceAccountTokens();

  it('authenticates a token it issued as the ServiceAccount, in its groups', () => {
    const { token, expiresAt } = tokens.issue(account, [API_AUDIENCE], 3600, NOW);
    expect(expiresAt).toBe(NOW / 1000 + 3600);
    expect(tokens.authenticate(token, NOW + 1000)).toEqual({
      username: 'system:serviceaccount:team-a:builder',
      uid: 'uid-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
    });
  });

  it('refuses an expired token, one for another audience, one signed by another key and a tampered one', () => {
    const { token } = tokens.issue(account, [API_AUDIENCE], 600, NOW);
    expect(tokens.authenticate(token, NOW + 600_000)).toBeUndefined();
    expect(tokens.authenticate(tokens.issue(account, ['vault'], 600, NOW).token, NOW)).toBeUndefined();
    expect(new ServiceAccountTokens().authenticate(token, NOW)).toBeUndefined();
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    expect(tokens.authenticate(`${header}.${forged}.${signature}`, NOW)).toBeUndefined();
    expect(tokens.authenticate('not-a-jwt', NOW)).toBeUndefined();
  });

  it('keeps its signing key in the data dir, so tokens outlive a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-sa-key-'));
    try {
      const { token } = new ServiceAccountTokens(loadOrCreateServiceAccountKey(dir)).issue(account, [API_AUDIENCE], 3600, NOW);
      expect(statSync(join(dir, 'pki', 'sa.key')).mode & 0o777).toBe(0o600);
      expect(new ServiceAccountTokens(loadOrCreateServiceAccountKey(dir)).authenticate(token, NOW)?.username).toBe('system:serviceaccount:team-a:builder');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('logging in with a token from serviceaccounts/token', () => {
  let registry: Registry;
  let app: FastifyInstance;
  let dir: string;
  const admin = { authorization: 'Bearer admin-token' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubesim-sa-login-'));
    writeFileSync(join(dir, 'tokens.csv'), 'admin-token,kubesim-admin,kubesim-admin,"system:masters"\n');
    registry = await makeRegistry();
    app = await buildApp({ registry, authenticator: new TokenAuthenticator(join(dir, 'tokens.csv')) });
    await registry.create(
      registry.typeFor('', 'serviceaccounts')!,
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'default' } },
    );
  });
  afterAll(async () => {
    await app.close();
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a TokenRequest whose token then authenticates as the account', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/serviceaccounts/builder/token',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} }),
    });
    expect(r.statusCode).toBe(201);
    const answer = r.json() as { kind: string; spec: unknown; status: { token: string; expirationTimestamp: string } };
    expect(answer.kind).toBe('TokenRequest');
    expect(answer.spec).toEqual({ audiences: [API_AUDIENCE], expirationSeconds: 3600, boundObjectRef: null });
    const who = await app.inject({
      method: 'POST',
      url: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      headers: { authorization: `Bearer ${answer.status.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
    });
    expect(who.statusCode).toBe(201);
    expect(who.json().status.userInfo.username).toBe('system:serviceaccount:default:builder');
  });

  it('lists the subresource in discovery, as kubectl api-resources reads it', async () => {
    const list = (await app.inject({ url: '/api/v1', headers: admin })).json() as { resources: Array<{ name: string; kind: string; group?: string; verbs: string[] }> };
    expect(list.resources.find((r) => r.name === 'serviceaccounts/token')).toMatchObject({ kind: 'TokenRequest', group: 'authentication.k8s.io', verbs: ['create'] });
  });
});
