import { describe, expect, it } from 'vitest';
import { ApiError, resources } from '@kubesim/shared';
import { strategicMergePatch } from './strategic.ts';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a', 'b'] },
  spec: {
    replicas: 3,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
          { name: 'sidecar', image: 'busybox' },
        ],
        tolerations: [{ key: 'x', operator: 'Exists' }],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    },
  },
});

type Obj = ReturnType<typeof deployment>;
const patchDeployment = (patch: unknown): Obj => strategicMergePatch(deployment(), patch, resources.deployments) as Obj;

describe('strategicMergePatch', () => {
  it('merges containers by name, as `kubectl set image` sends', () => {
    const out = patchDeployment({
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }], containers: [{ image: 'nginx:1.28', name: 'nginx' }] } } },
    });
    expect(out.spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ['nginx', 'nginx:1.28'],
      ['sidecar', 'busybox'],
    ]);
    expect(out.spec.template.spec.containers[0]!.env).toHaveLength(2);
  });

  it('does not change its inputs', () => {
    const original = deployment();
    strategicMergePatch(original, { spec: { replicas: 1 } }, resources.deployments);
    expect(original).toEqual(deployment());
  });

  it('deletes a map key given null, as uncordon sends', () => {
    const node = { metadata: { name: 'n' }, spec: { unschedulable: true, podCIDR: '10.0.0.0/24' } };
    expect(strategicMergePatch(node, { spec: { unschedulable: null } }, resources.nodes)).toEqual({ metadata: { name: 'n' }, spec: { podCIDR: '10.0.0.0/24' } });
  });

  it('merges ports by containerPort and env by name, deleting with $patch: delete', () => {
    const out = patchDeployment({
      spec: { template: { spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 443 }], env: [{ name: 'A', $patch: 'delete' }, { name: 'C', value: '3' }] }] } } },
    });
    const c = out.spec.template.spec.containers[0]!;
    // Without $setElementOrder an element new to the server goes first (Kubernetes' order).
    expect(c.ports).toEqual([{ containerPort: 443 }, { containerPort: 80 }]);
    expect(c.env).toEqual([{ name: 'C', value: '3' }, { name: 'B', value: '2' }]);
  });

  it('orders a merged list by the patch, then by the live list, as Kubernetes does', () => {
    const names = (patch: unknown[]) => patchDeployment({ spec: { template: { spec: { containers: patch } } } }).spec.template.spec.containers.map((c) => c.name);
    expect(names([{ name: 'log', image: 'x' }])).toEqual(['log', 'nginx', 'sidecar']);
    expect(names([{ name: 'nginx', image: 'x' }, { name: 'log', image: 'x' }])).toEqual(['nginx', 'log', 'sidecar']);
    expect(names([{ name: 'sidecar', image: 'x' }, { name: 'log', image: 'x' }])).toEqual(['nginx', 'sidecar', 'log']);
    expect(patchDeployment({ metadata: { finalizers: ['c'] } }).metadata.finalizers).toEqual(['c', 'a', 'b']);
  });

  it('replaces tolerations whole: they have no merge key', () => {
    const out = patchDeployment({ spec: { template: { spec: { tolerations: [{ key: 'y', operator: 'Exists' }] } } } });
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'y', operator: 'Exists' }]);
  });

  it('drops sibling keys not in $retainKeys, as apply does when the strategy type changes', () => {
    const out = patchDeployment({ spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('retains only the named keys of a volume', () => {
    const out = patchDeployment({
      spec: { template: { spec: { volumes: [{ $retainKeys: ['configMap', 'name'], name: 'data', configMap: { name: 'cm' } }] } } },
    });
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'data', configMap: { name: 'cm' } }]);
  });

  it('unions finalizers and removes with $deleteFromPrimitiveList', () => {
    expect(patchDeployment({ metadata: { finalizers: ['b', 'c'] } }).metadata.finalizers).toEqual(['a', 'b', 'c']);
    expect(patchDeployment({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata.finalizers).toEqual(['b']);
  });

  it('replaces a whole map with $patch: replace', () => {
    expect(patchDeployment({ metadata: { labels: { tier: 'x', $patch: 'replace' } } }).metadata.labels).toEqual({ tier: 'x' });
  });

  it('replaces a merging list given a {$patch: replace} element', () => {
    const out = patchDeployment({ spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } } });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
  });

  it('orders by $setElementOrder and keeps server-only elements in their places', () => {
    const out = patchDeployment({
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'new' }, { name: 'nginx' }], containers: [{ name: 'new', image: 'n' }] } } },
    });
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['new', 'nginx', 'sidecar']);
  });

  it('merges service ports by port and node conditions by type', () => {
    const svc = { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }] } };
    expect(strategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } }, resources.services)).toEqual({
      metadata: { name: 's' },
      spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] },
    });
    const node = { metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'DiskPressure', status: 'False' }] } };
    const out = strategicMergePatch(node, { status: { conditions: [{ type: 'Ready', status: 'False' }] } }, resources.nodes) as typeof node;
    expect(out.status.conditions).toEqual([{ type: 'Ready', status: 'False' }, { type: 'DiskPressure', status: 'False' }]);
  });

  it('adds new nested values without leaving directives behind', () => {
    const out = strategicMergePatch({ metadata: { name: 'p' } }, { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }], '$setElementOrder/containers': [{ name: 'a' }] } }, resources.pods);
    expect(out).toEqual({ metadata: { name: 'p' }, spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] } });
  });

  it('merges an object list of an unknown kind field as a replacement', () => {
    const out = strategicMergePatch({ data: { a: '1' }, items: [1, 2] }, { data: { b: '2' }, items: [3] }, resources.configmaps);
    expect(out).toEqual({ data: { a: '1', b: '2' }, items: [3] });
  });

  it('rejects a patch element without its merge key with 400', () => {
    let err: unknown;
    try {
      patchDeployment({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(400);
  });
});
