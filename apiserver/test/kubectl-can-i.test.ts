// Stock `kubectl auth can-i` against a real HTTPS kubesim apiserver with token
// authentication: SelfSubjectAccessReview (protobuf bodies) for a resource, for '*' '*' and
// for a non-resource URL, SelfSubjectRulesReview for `--list`, and a 401 for a bad token.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noopLogger } from '@kubesim/shared';
import { startApiserver } from '../src/server.ts';
import type { ApiserverHandle } from '../src/server.ts';
import { hasKubectl, KUBECTL } from './kubectl-harness.ts';

describe.skipIf(!hasKubectl)('kubectl auth can-i', () => {
  let api: ApiserverHandle;
  let dir: string;
  let badKubeconfig: string;

  const kubectl = (args: string[], kubeconfig = api.kubeconfigPath!): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache') };
      execFile(KUBECTL, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0, stdout, stderr });
      });
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubesim-can-i-'));
    api = await startApiserver({ dataDir: join(dir, 'data'), port: 0, store: 'memory', logger: noopLogger });
    badKubeconfig = join(dir, 'bad-kubeconfig');
    writeFileSync(badKubeconfig, readFileSync(api.kubeconfigPath!, 'utf8').replace(/token: .*/, 'token: not-a-known-token'));
  });
  afterAll(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [['auth', 'can-i', 'create', 'pods']],
    [['auth', 'can-i', '*', '*']],
    [['auth', 'can-i', 'delete', 'deployments.apps', '-n', 'kube-system']],
    [['auth', 'can-i', 'create', 'pods', '--subresource=eviction']],
    [['auth', 'can-i', 'get', '/healthz']],
  ])('kubectl %j answers yes', async (args) => {
    const r = await kubectl(args);
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ code: 0, stdout: 'yes\n' });
  });

  it('lists the rules with --list', async () => {
    const r = await kubectl(['auth', 'can-i', '--list']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').map((l) => l.trim().split(/\s+/))).toEqual([
      ['Resources', 'Non-Resource', 'URLs', 'Resource', 'Names', 'Verbs'],
      ['*.*', '[]', '[]', '[*]'],
      ['[*]', '[]', '[*]'],
    ]);
  });

  it('is refused with 401 for an unknown token', async () => {
    const r = await kubectl(['auth', 'can-i', 'create', 'pods'], badKubeconfig);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('You must be logged in to the server (Unauthorized)');
  });
});
