// Stock `kubectl create token` against kubesim: a TokenRequest (sent as protobuf) on
// serviceaccounts/<name>/token answers a signed token for the account, with Kubernetes'
// defaults and refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './kubectl-harness.ts';

const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe.skipIf(!hasKubectl)('kubectl create token', () => {
  let h: KubectlHarness;

  beforeAll(async () => {
    h = await startKubectlHarness();
    await h.ok(['create', 'serviceaccount', 'builder']);
  });
  afterAll(async () => {
    await h.close();
  });

  it('prints a token for the ServiceAccount, for the API audience and an hour by default', async () => {
    const token = (await h.ok(['create', 'token', 'builder'])).trim();
    const claims = claimsOf(token);
    expect(claims['sub']).toBe('system:serviceaccount:default:builder');
    expect(claims['aud']).toEqual(['https://kubernetes.default.svc.cluster.local']);
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(3600);
  });

  it('takes the audience and duration asked for', async () => {
    const claims = claimsOf((await h.ok(['create', 'token', 'builder', '--audience=vault', '--duration=20m'])).trim());
    expect(claims['aud']).toEqual(['vault']);
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(1200);
  });

  it('refuses a duration under ten minutes and an account that does not exist', async () => {
    const short = await h.kubectl(['create', 'token', 'builder', '--duration=1m']);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    const missing = await h.kubectl(['create', 'token', 'nobody']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: failed to create token: serviceaccounts "nobody" not found\n');
  });
});
