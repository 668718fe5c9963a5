// Stock kubectl writing the status subresource (`kubectl patch --subresource=status`): the
// apiserver checks a status write against the kind's status rules, as Kubernetes does. A bad
// status is refused with kubectl's "is invalid" error naming the field, and nothing is
// stored; a good one is taken, and a qosClass left out keeps the stored one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources, type KubeObject } from '@kubesim/shared';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './kubectl-harness.ts';

type Rec = Record<string, unknown>;

describe.skipIf(!hasKubectl)('kubectl patch --subresource=status', () => {
  let h: KubectlHarness;
  const storedPod = async (): Promise<KubeObject & { status?: Rec }> => (await h.registry.get(resources.pods, 'p', { namespace: 'default' })) as KubeObject & { status?: Rec };
  const patchStatus = (kind: string, name: string, status: Rec) => h.kubectl(['patch', kind, name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);

  beforeAll(async () => {
    h = await startKubectlHarness();
    await h.ok(['run', 'p', '--image=nginx', '--restart=Never']);
    await h.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses a pod status with an invalid pod IP, naming the field, and stores nothing', async () => {
    const before = JSON.stringify(await storedPod());
    const res = await patchStatus('pod', 'p', { podIP: '10.0.0.300', podIPs: [{ ip: '10.0.0.300' }] });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('The Pod "p" is invalid');
    expect(res.stderr).toContain('status.podIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address');
    expect(JSON.stringify(await storedPod())).toBe(before);
  });

  it('refuses a changed qosClass, and keeps the stored one when a status leaves it out', async () => {
    const qos = (await storedPod()).status?.['qosClass'];
    expect(qos).toBe('BestEffort');
    const changed = await patchStatus('pod', 'p', { qosClass: 'Guaranteed' });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('status.qosClass: Invalid value: "Guaranteed": field is immutable');
    expect((await storedPod()).status?.['qosClass']).toBe('BestEffort');
    const ok = await patchStatus('pod', 'p', { phase: 'Running', qosClass: null, podIP: '10.244.0.9', podIPs: [{ ip: '10.244.0.9' }] });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('pod/p patched');
    const after = await storedPod();
    expect(after.status).toMatchObject({ phase: 'Running', qosClass: 'BestEffort', podIP: '10.244.0.9' });
  });

  it('refuses a Deployment status with more available than ready replicas, and takes a consistent one', async () => {
    const bad = await patchStatus('deployment', 'web', { replicas: 3, readyReplicas: 1, availableReplicas: 2 });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas');
    const good = await patchStatus('deployment', 'web', { replicas: 3, readyReplicas: 2, availableReplicas: 2 });
    expect(good.code).toBe(0);
    const d = (await h.registry.get(resources.deployments, 'web', { namespace: 'default' })) as KubeObject & { status?: Rec };
    expect(d.status).toMatchObject({ replicas: 3, readyReplicas: 2, availableReplicas: 2 });
  });
});
