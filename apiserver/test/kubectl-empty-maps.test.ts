// Empty maps are not stored, as in Kubernetes, whose map fields are `omitempty`: removing a
// pod's last label leaves no `labels: {}` behind, a patch that only sets an empty map
// changes nothing (kubectl says "patched (no change)" and the resourceVersion stays), and
// a created object keeps no empty map. Stock kubectl against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources, type KubeObject } from '@kubesim/shared';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './kubectl-harness.ts';

describe.skipIf(!hasKubectl)('empty maps, through kubectl', () => {
  let h: KubectlHarness;
  const stored = async (name: string): Promise<KubeObject> => h.registry.get(resources.configmaps, name, { namespace: 'default' });

  beforeAll(async () => {
    h = await startKubectlHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('removing the last label or annotation leaves no empty map', async () => {
    await h.ok(['create', 'configmap', 'a', '--from-literal=k=v']);
    await h.ok(['label', 'configmap', 'a', 'tier=web']);
    await h.ok(['annotate', 'configmap', 'a', 'note=x']);
    await h.ok(['label', 'configmap', 'a', 'tier-']);
    await h.ok(['annotate', 'configmap', 'a', 'note-']);
    const cm = await stored('a');
    expect(cm.metadata).not.toHaveProperty('labels');
    expect(cm.metadata).not.toHaveProperty('annotations');
    const yaml = await h.ok(['get', 'configmap', 'a', '-o', 'yaml']);
    expect(yaml).not.toContain('labels: {}');
    expect(yaml).not.toContain('annotations: {}');
  });

  it('a merge patch that only sets an empty map changes nothing', async () => {
    await h.ok(['create', 'configmap', 'b', '--from-literal=k=v']);
    const before = await stored('b');
    const res = await h.kubectl(['patch', 'configmap', 'b', '--type=merge', '-p', '{"metadata":{"labels":{},"annotations":{}}}']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('configmap/b patched (no change)');
    const after = await stored('b');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.metadata).not.toHaveProperty('labels');
  });

  it('a created object keeps no empty map, but keeps empty structs', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: {} }, spec: { nodeSelector: {}, containers: [{ name: 'c', image: 'nginx', resources: { requests: {} } }], volumes: [{ name: 'v', emptyDir: {} }] } };
    const created = await h.kubectl(['create', '-f', '-'], JSON.stringify(pod));
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const stored = (await h.registry.get(resources.pods, 'p', { namespace: 'default' })) as unknown as typeof pod;
    expect(stored.metadata).not.toHaveProperty('labels');
    expect(stored.spec).not.toHaveProperty('nodeSelector');
    expect(stored.spec.containers[0]!.resources).toEqual({});
    expect(stored.spec.volumes[0]!.emptyDir).toEqual({});
  });
});
