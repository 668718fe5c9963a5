import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { Deployment, Event, ReplicaSet } from '@kubesim/shared';
import { eventually, startHarness, type Harness } from './harness.ts';

function makeDeployment(name: string, o: { replicas?: number; image?: string; strategy?: Deployment['spec'] extends infer S ? S extends { strategy?: infer T } ? T : never : never } = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: o.image ?? 'nginx:1' }] } },
      ...(o.strategy ? { strategy: o.strategy } : {}),
    },
  } as Deployment;
}

const ns = { namespace: 'default' };

describe('the Deployment and ReplicaSet controllers', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('create a ReplicaSet named after the template hash, its pods, and an Available deployment', async () => {
    await h.client.create(resources.deployments, makeDeployment('web'), ns);
    const d = await eventually(async () => {
      const d = await h.client.get(resources.deployments, 'web', ns);
      return d.status?.availableReplicas === 3 && d.status.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable') ? d : undefined;
    });
    expect(d.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const rss = (await h.client.list(resources.replicasets, ns)).items;
    expect(rss).toHaveLength(1);
    const rs = rss[0]!;
    const hash = rs.metadata.labels?.['pod-template-hash'];
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true });
    const pods = (await h.client.list(resources.pods, ns)).items;
    expect(pods).toHaveLength(3);
    for (const p of pods) expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    const events = (await h.client.list(resources.events, ns)).items as Event[];
    expect(events.some((e) => e.reason === 'ScalingReplicaSet' && e.message === `Scaled up replica set web-${hash} from 0 to 3`)).toBe(true);
  });

  it('roll a new template out and leave the old ReplicaSet at zero replicas with revision 1', async () => {
    await h.client.create(resources.deployments, makeDeployment('web'), ns);
    await eventually(async () => (await h.client.get(resources.deployments, 'web', ns)).status?.availableReplicas === 3);
    await h.client.patch(resources.deployments, 'web', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } }, { type: 'merge', ...ns });
    await eventually(async () => {
      const d = await h.client.get(resources.deployments, 'web', ns);
      const s = d.status;
      return s?.updatedReplicas === 3 && s.replicas === 3 && s.availableReplicas === 3 && s.observedGeneration === d.metadata.generation;
    });
    const rss = (await h.client.list(resources.replicasets, ns)).items as ReplicaSet[];
    expect(rss).toHaveLength(2);
    const byRevision = Object.fromEntries(rss.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs]));
    expect(byRevision['1']?.spec?.replicas).toBe(0);
    expect(byRevision['2']?.spec?.replicas).toBe(3);
    const pods = (await h.client.list(resources.pods, ns)).items;
    expect(pods.every((p) => p.spec?.containers[0]?.image === 'nginx:2')).toBe(true);
  });

  it('replace a deleted pod', async () => {
    await h.client.create(resources.deployments, makeDeployment('web', { replicas: 2 }), ns);
    await eventually(async () => (await h.client.get(resources.deployments, 'web', ns)).status?.availableReplicas === 2);
    const victim = (await h.client.list(resources.pods, ns)).items[0]!;
    await h.client.delete(resources.pods, victim.metadata.name!, { ...ns, gracePeriodSeconds: 0 });
    await eventually(async () => {
      const pods = (await h.client.list(resources.pods, ns)).items;
      return pods.length === 2 && !pods.some((p) => p.metadata.name === victim.metadata.name);
    });
  });

  it('scale a deployment down and delete the surplus pods', async () => {
    await h.client.create(resources.deployments, makeDeployment('web', { replicas: 4 }), ns);
    await eventually(async () => (await h.client.get(resources.deployments, 'web', ns)).status?.availableReplicas === 4);
    await h.client.patch(resources.deployments, 'web', { spec: { replicas: 1 } }, { type: 'merge', ...ns });
    await eventually(async () => (await h.client.list(resources.pods, ns)).items.length === 1 && (await h.client.get(resources.deployments, 'web', ns)).status?.replicas === 1);
  });

  it('with Recreate, never run old and new pods at once', async () => {
    await h.client.create(resources.deployments, makeDeployment('web', { replicas: 2, strategy: { type: 'Recreate' } }), ns);
    await eventually(async () => (await h.client.get(resources.deployments, 'web', ns)).status?.availableReplicas === 2);
    await h.client.patch(resources.deployments, 'web', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } }, { type: 'merge', ...ns });
    await eventually(async () => {
      const pods = (await h.client.list(resources.pods, ns)).items;
      const images = new Set(pods.map((p) => p.spec?.containers[0]?.image));
      expect(images.size).toBeLessThanOrEqual(1);
      return pods.length === 2 && images.has('nginx:2');
    });
  });
});
