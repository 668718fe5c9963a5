// Stock kubectl's `--as` / `--as-group` / `--as-uid` against kubesim: the request acts as
// the impersonated user, as `kubectl auth whoami` shows, once the caller may impersonate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeRegistry } from '../src/test-helpers.ts';
import { buildApp } from '../src/http/app.ts';
import type { Authorizer } from '../src/auth/authorizer.ts';
import type { Registry } from '../src/registry/registry.ts';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './kubectl-harness.ts';

interface WhoAmI {
  status: { userInfo: { username: string; uid?: string; groups: string[] } };
}

describe.skipIf(!hasKubectl)('kubectl --as', () => {
  let h: KubectlHarness;
  const whoami = async (...flags: string[]): Promise<WhoAmI['status']['userInfo']> => (JSON.parse(await h.ok([...flags, 'auth', 'whoami', '-o', 'json'])) as WhoAmI).status.userInfo;

  beforeAll(async () => {
    h = await startKubectlHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('acts as the user and groups asked for, in system:authenticated', async () => {
    expect(await whoami('--as=jane', '--as-group=devs', '--as-group=ops', '--as-uid=u-1')).toEqual({ username: 'jane', uid: 'u-1', groups: ['devs', 'ops', 'system:authenticated'] });
  });

  it('puts an impersonated service account in its groups', async () => {
    expect(await whoami('--as=system:serviceaccount:team-a:builder')).toEqual({
      username: 'system:serviceaccount:team-a:builder',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
    });
  });
});

describe('impersonation the authorizer refuses', () => {
  let registry: Registry;
  let app: FastifyInstance;
  // everyone may do anything but impersonate "root"
  const authorizer: Authorizer = { authorize: (a) => ({ allowed: !(a.verb === 'impersonate' && a.name === 'root') }) };

  beforeAll(async () => {
    registry = await makeRegistry();
    app = await buildApp({ registry, authorizer });
  });
  afterAll(async () => {
    await app.close();
    await registry.stop();
  });

  it('is a 403 naming the caller, and groups without a user are a 400', async () => {
    const r = await app.inject({ url: '/api/v1/namespaces/default/pods', headers: { 'impersonate-user': 'root' } });
    expect(r.statusCode, r.body).toBe(403);
    expect(r.json().message).toBe('users "root" is forbidden: User "kubesim-admin" cannot impersonate resource "users" in API group "" at the cluster scope');
    expect((await app.inject({ url: '/api/v1/namespaces/default/pods', headers: { 'impersonate-group': 'devs' } })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/v1/namespaces/default/pods', headers: { 'impersonate-user': 'jane' } })).statusCode).toBe(200);
  });
});
