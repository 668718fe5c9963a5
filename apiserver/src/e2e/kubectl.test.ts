// Stock kubectl (/usr/bin/kubectl) against a real HTTPS apiserver with a temp kubeconfig
// and KUBECACHEDIR. Skipped where kubectl is not installed.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noopLogger, resources } from '@kubesim/shared';
import { startApiserver } from '../server.ts';
import type { ApiserverHandle } from '../server.ts';

const KUBECTL = '/usr/bin/kubectl';
const present = existsSync(KUBECTL);
let api: ApiserverHandle;
let dir: string;
let env: NodeJS.ProcessEnv;

function kubectl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { env, cwd: dir, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: stdout, err: stderr });
    });
  });
}

describe.skipIf(!present)('kubectl against kubesim', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubesim-kubectl-'));
    api = await startApiserver({ dataDir: join(dir, 'data'), port: 0, store: 'memory', logger: noopLogger });
    env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: api.kubeconfigPath!, KUBECACHEDIR: join(dir, 'cache') };
    writeFileSync(
      join(dir, 'deploy.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - {name: nginx, image: nginx}\n',
    );
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: mypod\n  labels: {run: mypod}\nspec:\n  containers:\n  - {name: nginx, image: nginx}\n');
  });
  afterAll(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports the server version and whoami', async () => {
    const v = await kubectl('version');
    expect(v.out).toContain('Server Version: v1.32.0+kubesim');
    const who = await kubectl('auth', 'whoami');
    expect(who.out).toContain('kubesim-admin');
  });

  it('creates from a file, gets, and refuses a duplicate', async () => {
    expect((await kubectl('create', '-f', 'deploy.yaml', '--validate=false')).out).toContain('deployment.apps/web created');
    expect((await kubectl('create', '-f', 'pod.yaml', '--validate=false')).out).toContain('pod/mypod created');
    const dup = await kubectl('create', '-f', 'deploy.yaml', '--validate=false');
    expect(dup.code).not.toBe(0);
    expect(dup.err).toContain('Error from server (AlreadyExists)');
    const get = await kubectl('get', 'deploy', 'web', '-o', 'yaml');
    expect(get.out).toContain('name: web');
    expect(get.out).toContain('generation: 1');
    const pods = await kubectl('get', 'pods');
    expect(pods.out).toContain('mypod');
  });

  it('labels and annotates', async () => {
    expect((await kubectl('label', 'pod', 'mypod', 'tier=front')).out).toContain('pod/mypod labeled');
    expect((await kubectl('annotate', 'pod', 'mypod', 'note=hi')).out).toContain('pod/mypod annotated');
    const pod = await api.registry.get(resources.pods, 'mypod', { namespace: 'default' });
    expect(pod.metadata.labels).toEqual({ run: 'mypod', tier: 'front' });
    expect(pod.metadata.annotations?.['note']).toBe('hi');
    const nf = await kubectl('get', 'pod', 'nope');
    expect(nf.err).toContain('Error from server (NotFound): pods "nope" not found');
  });

  it('sees a change through get -w', async () => {
    const child = spawn(KUBECTL, ['get', 'pods', '-w', '-o', 'name'], { env, cwd: dir });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 100 && !out.includes('pod/mypod'); i++) await new Promise((r) => setTimeout(r, 50));
    await kubectl('label', 'pod', 'mypod', 'seen=yes');
    for (let i = 0; i < 100 && out.split('pod/mypod').length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill();
    expect(out.split('pod/mypod').length).toBeGreaterThanOrEqual(3);
  });

  it('deletes', async () => {
    expect((await kubectl('delete', 'deploy', 'web')).out).toContain('deployment.apps "web" deleted');
    expect((await kubectl('delete', 'pod', 'mypod')).out).toContain('pod "mypod" deleted');
    expect((await kubectl('get', 'deploy')).err).toContain('No resources found');
  });
});
