// The LimitRanger admission: pods created in a namespace with LimitRanges get their
// containers' default requests and limits, and are refused outside the bounds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { KubeObject, Pod } from '@kubesim/shared';
import { makeRegistry } from '../../test-helpers.ts';
import type { Registry } from '../registry.ts';

let registry: Registry;
beforeEach(async () => {
  registry = await makeRegistry();
});
afterEach(async () => {
  await registry.stop();
});

const limitRange = (limits: unknown[]): KubeObject => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr', namespace: 'default' }, spec: { limits } }) as KubeObject;
const pod = (resourcesOf: Record<string, unknown> = {}, name = 'web'): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx', resources: resourcesOf }] } }) as KubeObject;
const created = async (p: KubeObject): Promise<Pod> => (await registry.create(resources.pods, p)) as Pod;

describe('LimitRanger admission', () => {
  it('gives containers the default requests and limits, names what it set, and sets the QoS class from them', async () => {
    await registry.create(resources.limitranges, limitRange([{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }]));
    const p = await created(pod());
    expect(p.spec?.containers[0]?.resources).toEqual({ limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
    expect(p.metadata.annotations?.['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web');
    expect(p.status?.qosClass).toBe('Burstable');
  });

  it('leaves what a container sets itself', async () => {
    await registry.create(resources.limitranges, limitRange([{ type: 'Container', default: { cpu: '500m' } }]));
    const p = await created(pod({ requests: { cpu: '200m' }, limits: { cpu: '300m' } }));
    expect(p.spec?.containers[0]?.resources).toEqual({ requests: { cpu: '200m' }, limits: { cpu: '300m' } });
    expect(p.metadata.annotations?.['kubernetes.io/limit-ranger']).toBeUndefined();
  });

  it('refuses a container above the max or below the min, with Kubernetes messages', async () => {
    await registry.create(resources.limitranges, limitRange([{ type: 'Container', max: { cpu: '1' }, min: { memory: '64Mi' } }]));
    await expect(created(pod({ limits: { cpu: '2', memory: '128Mi' } }))).rejects.toMatchObject({
      status: { code: 403, reason: 'Forbidden', message: 'pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 2' },
    });
    await expect(created(pod({ limits: { cpu: '1', memory: '32Mi' } }))).rejects.toMatchObject({
      status: { code: 403, message: 'pods "web" is forbidden: minimum memory usage per Container is 64Mi, but request is 32Mi' },
    });
    await expect(created(pod({ limits: { cpu: '500m', memory: '128Mi' } }))).resolves.toBeDefined();
  });

  it('refuses a limit too far above the request, and a pod whose containers add up to more than the Pod max', async () => {
    await registry.create(resources.limitranges, limitRange([{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }, { type: 'Pod', max: { memory: '1Gi' } }]));
    await expect(created(pod({ requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '300m', memory: '512Mi' } }))).rejects.toMatchObject({
      status: { message: 'pods "web" is forbidden: cpu max limit to request ratio per Container is 2, but provided ratio is 3.000000' },
    });
    await expect(created(pod({ requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '200m', memory: '2Gi' } }))).rejects.toMatchObject({
      status: { message: 'pods "web" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 2Gi' },
    });
  });

  it('answers 422 when a defaulted limit falls below the request the pod set', async () => {
    await registry.create(resources.limitranges, limitRange([{ type: 'Container', default: { cpu: '500m' } }]));
    await expect(created(pod({ requests: { cpu: '1' } }))).rejects.toMatchObject({ status: { code: 422, reason: 'Invalid' } });
  });

  it('changes nothing in a namespace without LimitRanges', async () => {
    const p = await created(pod());
    expect(p.spec?.containers[0]?.resources).toEqual({});
    expect(p.status?.qosClass).toBe('BestEffort');
  });
});
