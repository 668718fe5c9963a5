// Stock `kubectl delete` against kubesim's DELETE answers: a Status (with the uid kubectl's
// --wait compares) for most kinds, the object for pods and the other ReturnDeletedObject
// kinds, the marked object while a finalizer or a pod's grace period holds it, and
// `--dry-run=server`, `-o name`, label selectors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './kubectl-harness.ts';

describe.skipIf(!hasKubectl)('kubectl delete', () => {
  let h: KubectlHarness;
  const ok = (args: string[]): Promise<string> => h.ok(args);
  const exists = async (type: typeof resources.configmaps, name: string, namespace?: string): Promise<KubeObject | undefined> =>
    h.registry.get(type, name, namespace ? { namespace } : {}).catch(() => undefined);

  beforeAll(async () => {
    h = await startKubectlHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('deletes a ConfigMap (answered with a Status) and waits for it', async () => {
    await ok(['create', 'configmap', 'x', '--from-literal=a=1']);
    expect(await ok(['delete', 'configmap', 'x'])).toBe('configmap "x" deleted\n');
    expect(await exists(resources.configmaps, 'x', 'default')).toBeUndefined();
  });

  it('prints resource/name with -o name, for several objects by label', async () => {
    await ok(['create', 'configmap', 'l1']);
    await ok(['create', 'configmap', 'l2']);
    await ok(['label', 'configmap', 'l1', 'l2', 'batch=a']);
    expect(await ok(['delete', 'configmap', '-l', 'batch=a', '-o', 'name'])).toBe('configmap/l1\nconfigmap/l2\n');
  });

  it('deletes a Deployment and a Service, which answer a Status and the object', async () => {
    await ok(['create', 'deployment', 'web', '--image=nginx']);
    await ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    expect(await ok(['delete', 'deployment', 'web'])).toBe('deployment.apps "web" deleted\n');
    expect(await ok(['delete', 'service', 'web'])).toBe('service "web" deleted\n');
  });

  it('deletes an unscheduled pod at once and a scheduled one gracefully', async () => {
    await ok(['run', 'loose', '--image=nginx']);
    expect(await ok(['delete', 'pod', 'loose'])).toBe('pod "loose" deleted\n');
    await h.registry.create(resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'placed', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } } as KubeObject);
    expect(await ok(['delete', 'pod', 'placed', '--wait=false'])).toBe('pod "placed" deleted\n');
    expect((await exists(resources.pods, 'placed', 'default'))?.metadata.deletionTimestamp).toBeDefined();
    const force = await h.kubectl(['delete', 'pod', 'placed', '--grace-period=0', '--force']);
    expect(force).toMatchObject({ code: 0, stdout: 'pod "placed" force deleted\n' });
    expect(force.stderr).toContain('Warning: Immediate deletion does not wait');
    expect(await exists(resources.pods, 'placed', 'default')).toBeUndefined();
  });

  it('marks an object a finalizer holds and leaves it there', async () => {
    await h.registry.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] } } as KubeObject);
    expect(await ok(['delete', 'configmap', 'held', '--wait=false'])).toBe('configmap "held" deleted\n');
    expect((await exists(resources.configmaps, 'held', 'default'))?.metadata.deletionTimestamp).toBeDefined();
  });

  it('deletes nothing with --dry-run=server', async () => {
    await ok(['create', 'configmap', 'dry']);
    await ok(['run', 'drypod', '--image=nginx']);
    expect(await ok(['delete', 'configmap', 'dry', '--dry-run=server'])).toBe('configmap "dry" deleted (server dry run)\n');
    expect(await ok(['delete', 'pod', 'drypod', '--dry-run=server'])).toBe('pod "drypod" deleted (server dry run)\n');
    expect(await exists(resources.configmaps, 'dry', 'default')).toBeDefined();
    expect(await exists(resources.pods, 'drypod', 'default')).toBeDefined();
  });

  it('marks a namespace Terminating', async () => {
    await ok(['create', 'namespace', 'team']);
    expect(await ok(['delete', 'namespace', 'team', '--wait=false'])).toBe('namespace "team" deleted\n');
    expect((await exists(resources.namespaces, 'team')) as (KubeObject & { status?: { phase?: string } }) | undefined).toMatchObject({ status: { phase: 'Terminating' } });
  });
});
