import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { Pod, ReplicaSet } from '@kubesim/shared';
import { tallyChecks } from '../src/replicaset/pod-tally.ts';
import { eventually, startHarness, type Harness } from './harness.ts';

const ns = { namespace: 'default' };

function makeReplicaSet(name: string, replicas: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'front' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
    },
  } as ReplicaSet;
}

const controlledBy = (pod: Pod, rs: ReplicaSet): boolean => pod.metadata.ownerReferences?.some((r) => r.controller && r.uid === rs.metadata.uid) ?? false;

// The ReplicaSet controller reads the counts its pod handlers keep instead of walking its pods
// when that is all a sync needs (pod-tally.ts); with checks on, every such sync also walks the
// pods and notes any difference.
describe('the ReplicaSet controller, counting pods without walking them', () => {
  let h: Harness;
  beforeAll(() => {
    tallyChecks.enabled = true;
  });
  afterAll(() => {
    tallyChecks.enabled = false;
  });
  beforeEach(async () => {
    tallyChecks.differences = [];
    tallyChecks.checked = 0;
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
    expect(tallyChecks.checked).toBeGreaterThan(0);
    expect(tallyChecks.differences).toEqual([]);
  });

  const status = async (name: string) => (await h.client.get(resources.replicasets, name, ns)).status;
  const pods = async () => (await h.client.list(resources.pods, ns)).items;
  const scale = async (name: string, replicas: number): Promise<void> => {
    const cur = await h.client.get(resources.replicasets, name, ns);
    await h.client.update(resources.replicasets, { ...cur, spec: { ...cur.spec, replicas } } as ReplicaSet, ns);
  };

  it('counts its pods through scaling up and down, with every pod ready and fully labelled', async () => {
    const rs = await h.client.create(resources.replicasets, makeReplicaSet('web', 4), ns);
    await eventually(async () => (await status('web'))?.readyReplicas === 4);
    expect(await status('web')).toMatchObject({ replicas: 4, fullyLabeledReplicas: 4, readyReplicas: 4, availableReplicas: 4 });
    await scale('web', 2);
    await eventually(async () => {
      const s = await status('web');
      return s?.replicas === 2 && s.readyReplicas === 2 && (await pods()).filter((p) => controlledBy(p, rs)).length === 2;
    });
    await scale('web', 5);
    await eventually(async () => (await status('web'))?.availableReplicas === 5);
  });

  it('releases a pod relabelled out of its selector and replaces it, and counts a pod without a template label as not fully labelled', async () => {
    const rs = await h.client.create(resources.replicasets, makeReplicaSet('web', 3), ns);
    await eventually(async () => (await status('web'))?.readyReplicas === 3);
    const [first, second] = (await pods()).filter((p) => controlledBy(p, rs));
    await h.client.patch(resources.pods, first!.metadata.name!, { metadata: { labels: { app: 'elsewhere' } } }, { type: 'merge', ...ns });
    await eventually(async () => !controlledBy(await h.client.get(resources.pods, first!.metadata.name!, ns), rs));
    await eventually(async () => (await pods()).filter((p) => controlledBy(p, rs)).length === 3 && (await status('web'))?.readyReplicas === 3);
    await h.client.patch(resources.pods, second!.metadata.name!, { metadata: { labels: { tier: null } } }, { type: 'merge', ...ns });
    await eventually(async () => (await status('web'))?.fullyLabeledReplicas === 2);
    expect(await status('web')).toMatchObject({ replicas: 3, readyReplicas: 3 });
  });

  it('adopts a matching orphan, then keeps its count (one of its pods goes)', async () => {
    const rs = await h.client.create(resources.replicasets, makeReplicaSet('web', 2), ns);
    await eventually(async () => (await status('web'))?.readyReplicas === 2);
    await h.client.create(resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', namespace: 'default', labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } as Pod, ns);
    await eventually(async () => {
      const all = (await pods()).filter((p) => p.metadata.labels?.['app'] === 'web' && !p.metadata.deletionTimestamp);
      return all.length === 2 && all.every((p) => controlledBy(p, rs)) && (await status('web'))?.readyReplicas === 2;
    });
  });
});
