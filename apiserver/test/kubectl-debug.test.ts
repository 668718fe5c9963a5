// Stock `kubectl debug` against kubesim. Its node and `--copy-to` pods travel as protobuf,
// whose Go-inline members (a volume's source, a probe's handler, a key selector's name) must
// arrive where JSON has them; and a cluster without `pods/ephemeralcontainers` must be told
// apart from a missing pod by the 404's empty details, as Kubernetes answers it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources, type KubeObject } from '@kubesim/shared';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './kubectl-harness.ts';

interface PodShape {
  spec: {
    nodeName?: string;
    volumes?: Array<Record<string, unknown>>;
    containers: Array<{ name: string; env?: unknown[]; readinessProbe?: Record<string, unknown> }>;
  };
}

describe.skipIf(!hasKubectl)('kubectl debug', () => {
  let h: KubectlHarness;
  const pod = async (name: string): Promise<PodShape> => (await h.registry.get(resources.pods, name, { namespace: 'default' })) as unknown as PodShape;

  beforeAll(async () => {
    h = await startKubectlHarness();
    await h.registry.create(resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } as KubeObject);
    await h.registry.create(resources.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        nodeName: 'n1',
        containers: [
          {
            name: 'web',
            image: 'nginx',
            env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'a' } } }],
            readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
          },
        ],
      },
    } as KubeObject);
  });
  afterAll(async () => {
    await h.close();
  });

  it('creates a node debugging pod with the host root volume kubectl asked for', async () => {
    const res = await h.kubectl(['debug', 'node/n1', '--image=busybox', '--profile=general', '--', 'true']);
    expect(res.stderr).not.toContain('unknown field');
    expect(res.code).toBe(0);
    const name = /pod (node-debugger-n1-\w+)/.exec(res.stdout)?.[1];
    expect(name).toBeDefined();
    const debugPod = await pod(name!);
    expect(debugPod.spec.nodeName).toBe('n1');
    expect(debugPod.spec.volumes).toEqual([{ name: 'host-root', hostPath: { path: '/', type: '' } }]);
  });

  it('copies a pod with its env references intact', async () => {
    const res = await h.kubectl(['debug', 'web', '--copy-to=web-copy', '--image=busybox', '--profile=general', '--', 'true']);
    expect(res.stderr).not.toContain('unknown field');
    expect(res.code).toBe(0);
    const web = (await pod('web-copy')).spec.containers.find((c) => c.name === 'web');
    expect(web?.env).toEqual([{ name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'a' } } }]);
  });

  it('says ephemeral containers are unavailable instead of crashing kubectl', async () => {
    const res = await h.kubectl(['debug', 'web', '--image=busybox', '--profile=general', '--', 'true']);
    expect(res.stderr).not.toContain('panic');
    expect(res.stderr).toContain('ephemeral containers are disabled for this cluster');
    expect(res.code).toBe(1);
  });
});
