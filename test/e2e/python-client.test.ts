// The official Python client (Debian's python3-kubernetes) against `kubesim up`: the script
// beside this file does CRUD, a Deployment the controllers run, the scale subresource, the
// three patch types, server-side apply and a watch replayed from a resourceVersion, reading
// every result back, and prints a JSON report that the cases below check. Skipped when no
// python3 on the machine can import `kubernetes`. One cluster, one script run.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, REPO, newCluster } from './cluster.ts';

/** the first python3 that has the kubernetes module (PATH may hold one without Debian's packages) */
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import kubernetes'], { stdio: 'ignore' }).status === 0);

type Report = {
  crud: { created_uid: string; read_uid: string; listed: string[]; replaced_data: Record<string, string>; rv_changed: boolean; conflict: unknown; exists: unknown };
  deployment: { available: number; pods: string[]; owner: string[] };
  scale: { before: number; after: number };
  patch: { strategic_env: string[]; json: { label: string; replicas: number }; merge: { image: string; env: unknown }; generation: number };
  apply: { data: Record<string, string>; managers: string[][] };
  watch: string[][] | { error: number; body: string };
  delete: { gone: unknown };
};

describe.skipIf(!python)('the Python client against kubesim up', () => {
  let cluster: Cluster;
  let report: Report;

  beforeAll(async () => {
    cluster = await newCluster();
    await cluster.up();
    const r = await cluster.run(`${python} ${join(REPO, 'test', 'e2e', 'python-client.py')}`, 120_000);
    if (r.code !== 0) throw new Error(`python-client.py failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    report = JSON.parse(r.stdout) as Report;
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
    cluster?.remove();
  });

  it('creates, reads, lists, replaces and deletes, with Kubernetes error reasons', () => {
    expect(report.crud.read_uid).toBe(report.crud.created_uid);
    expect(report.crud.listed).toEqual(['settings']);
    expect(report.crud.replaced_data).toEqual({ a: '1', b: '2' });
    expect(report.crud.rv_changed).toBe(true);
    expect(report.crud.conflict).toEqual({ status: 409, reason: 'Conflict' });
    expect(report.crud.exists).toEqual({ status: 409, reason: 'AlreadyExists' });
    expect(report.delete.gone).toEqual({ status: 404, reason: 'NotFound' });
  });

  it('creates a Deployment that the controllers run, and scales it through the scale subresource', () => {
    expect(report.deployment).toEqual({ available: 2, pods: ['Running', 'Running'], owner: ['ReplicaSet'] });
    expect(report.scale).toEqual({ before: 2, after: 3 });
  });

  it('patches: strategic merge (env merged by name), json patch, and merge patch (list replaced) via the dynamic client', () => {
    // a new list element goes first when the patch names no order, as in Kubernetes
    expect(report.patch.strategic_env).toEqual(['B', 'A']);
    expect(report.patch.json).toEqual({ label: 'json', replicas: 1 });
    expect(report.patch.merge).toEqual({ image: 'nginx:1.28', env: null });
    expect(report.patch.generation).toBe(5);
  });

  it('applies server-side, recording the field manager', () => {
    expect(report.apply.data).toEqual({ k: 'v' });
    expect(report.apply.managers).toEqual([['python', 'Apply']]);
  });

  // The client sends `watch=True` (Python's bool), which Kubernetes reads with Go's strconv.ParseBool.
  it('watches from a resourceVersion: ADDED, MODIFIED, DELETED in order', () => {
    expect(report.watch).toEqual([
      ['ADDED', 'watched', '0'],
      ['MODIFIED', 'watched', '1'],
      ['DELETED', 'watched', '1'],
    ]);
  });
});
