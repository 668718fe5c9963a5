// kubelet-sim's lifecycle behaviours through the real apiserver (in process, virtual time).
import { afterEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import { boundPod, startCluster } from './harness.ts';
import type { Cluster } from './harness.ts';
import type { Lease, Node } from '../src/types.ts';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const app = (p: { status?: { containerStatuses?: unknown[] } }) => (p.status?.containerStatuses?.[0] ?? {}) as {
  state?: { running?: { startedAt: string }; waiting?: { reason: string; message?: string }; terminated?: { exitCode: number; reason: string } };
  lastState?: { terminated?: { exitCode: number; reason: string } };
  restartCount: number;
  ready: boolean;
};

describe('kubelet-sim through the apiserver: nodes', () => {
  it('registers Ready nodes with leases that are renewed every 10 s', async () => {
    cluster = await startCluster(3);
    const nodes = (await cluster.client.list(resources.nodes)).items as unknown as Node[];
    expect(nodes).toHaveLength(3);
    for (const n of nodes) expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    await cluster.run(20_000);
    const lease = (await cluster.client.get(resources.leases, 'kubesim-node-2', { namespace: 'kube-node-lease' })) as unknown as Lease;
    expect(lease.spec.renewTime).toBe('2025-01-01T00:00:20.000000Z');
  });
});

describe('kubelet-sim through the apiserver: pods', () => {
  it('runs a job-style pod to Succeeded and serves its logs through pods/log', async () => {
    cluster = await startCluster();
    await cluster.create(boundPod('job', [{ command: ['sh', '-c', 'echo hello; sleep 5; echo bye'] }], { spec: { restartPolicy: 'Never' } }));
    await cluster.run(2000);
    expect((await cluster.pod('job')).status?.phase).toBe('Running');
    await cluster.run(4000);
    const p = await cluster.pod('job');
    expect(p.status?.phase).toBe('Succeeded');
    expect(app(p).state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(await cluster.logs('job')).toBe('hello\nbye\n');
  });

  it('crash-loops with 10 s, 20 s, 40 s back-off', async () => {
    cluster = await startCluster();
    await cluster.create(boundPod('crash', [{ command: ['sh', '-c', 'sleep 1; exit 2'] }]));
    const restarts: number[] = [];
    await cluster.clock.advance(500); // sample mid-second: status writes trail changes by the 100 ms batch window
    for (let t = 0; t < 80; t++) {
      await cluster.clock.advance(1000);
      restarts.push(app(await cluster.pod('crash')).restartCount);
    }
    // runs 1 s; restart at once (t=1), then after 10 s (t=12), 20 s (t=33), 40 s (t=74)
    const firstAt = (n: number) => restarts.findIndex((r) => r >= n) + 1;
    expect([firstAt(1), firstAt(2), firstAt(3), firstAt(4)]).toEqual([1, 12, 33, 74]);
    const p = await cluster.pod('crash');
    expect(app(p).lastState?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(p.status?.phase).toBe('Running');
  });

  it('marks the pod ready only when its readiness probe passes', async () => {
    cluster = await startCluster();
    await cluster.create(boundPod('probed', [{ image: 'nginx:1.27', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 }, periodSeconds: 5 } }], { annotations: { 'kubesim.io/ready-after': '8s' } }));
    await cluster.run(6000);
    let p = await cluster.pod('probed');
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    await cluster.run(5000);
    p = await cluster.pod('probed');
    expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('restarts a container that fails its liveness probe', async () => {
    cluster = await startCluster();
    await cluster.create(boundPod('live', [{ image: 'nginx:1.27', livenessProbe: { httpGet: { port: 80 }, periodSeconds: 5, failureThreshold: 2 } }], { annotations: { 'kubesim.io/probe-fail': 'liveness', 'kubesim.io/probe-fail-after': '20s' } }));
    await cluster.run(19_000);
    expect(app(await cluster.pod('live')).restartCount).toBe(0);
    await cluster.run(12_000);
    expect(app(await cluster.pod('live')).restartCount).toBe(1);
  });

  it('deletes gracefully: a server at once, a SIGTERM-deaf process after the grace period', async () => {
    cluster = await startCluster();
    await cluster.create(boundPod('server', [{ image: 'nginx:1.27' }]));
    await cluster.create(boundPod('deaf', [{ command: ['sleep', 'infinity'] }], { spec: { terminationGracePeriodSeconds: 20 } }));
    await cluster.run(2000);
    await cluster.client.delete(resources.pods, 'server', { namespace: 'default' });
    await cluster.client.delete(resources.pods, 'deaf', { namespace: 'default' });
    await cluster.run(1000);
    await expect(cluster.pod('server')).rejects.toThrow(/not found/);
    const deaf = await cluster.pod('deaf');
    expect(deaf.metadata.deletionTimestamp).toBeDefined();
    await cluster.run(18_000);
    expect((await cluster.pod('deaf')).status?.phase).toBe('Running');
    await cluster.run(2000);
    await expect(cluster.pod('deaf')).rejects.toThrow(/not found/);
  });

  it('runs init containers in order before the app container', async () => {
    cluster = await startCluster();
    await cluster.create(boundPod('init', [{ image: 'nginx:1.27' }], { spec: { initContainers: [{ name: 'a', image: 'busybox:1.36', command: ['sleep', '3'] }, { name: 'b', image: 'busybox:1.36', command: ['sh', '-c', 'echo migrating; sleep 2'] }] } }));
    await cluster.run(4000);
    let p = await cluster.pod('init');
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', message: 'containers with incomplete status: [b]' });
    expect(await cluster.logs('init', 'b')).toBe('migrating\n');
    await cluster.run(2000);
    p = await cluster.pod('init');
    expect(p.status?.phase).toBe('Running');
  });

  it('waits in CreateContainerConfigError until the referenced ConfigMap exists', async () => {
    cluster = await startCluster();
    await cluster.create(boundPod('cfg', [{ image: 'nginx:1.27', envFrom: [{ configMapRef: { name: 'settings' } }] }]));
    await cluster.run(1000);
    expect(app(await cluster.pod('cfg')).state?.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "settings" not found' });
    await cluster.client.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { a: '1' } } as KubeObject, { namespace: 'default' });
    await cluster.run(10_000);
    expect((await cluster.pod('cfg')).status?.phase).toBe('Running');
  });

  it('rejects a pod that does not fit the node with OutOfmemory', async () => {
    cluster = await startCluster();
    await cluster.create(boundPod('huge', [{ resources: { requests: { memory: '64Gi' } } }]));
    await cluster.run(1000);
    const p = await cluster.pod('huge');
    expect(p.status).toMatchObject({ phase: 'Failed', reason: 'OutOfmemory' });
    expect(p.status?.message).toMatch(/^Pod was rejected: Node didn't have enough resource: memory, requested: 68719476736, used: 0, capacity: \d+$/);
  });
});

describe('kubelet-sim through the apiserver: logs', () => {
  it('serves the previous instance and refuses a container that never started', async () => {
    cluster = await startCluster();
    await cluster.create(boundPod('crashy', [{ command: ['sh', '-c', 'echo attempt; exit 1'] }]));
    await cluster.create(boundPod('slow', [{ image: 'nginx:1.27' }], { annotations: { 'kubesim.io/image-pull-seconds': '120' } }));
    await cluster.run(2000);
    expect(await cluster.client.logs('crashy', { namespace: 'default', previous: true })).toBe('attempt\n');
    await expect(cluster.logs('slow')).rejects.toThrow('container "app" in pod "slow" is waiting to start: ContainerCreating');
  });
});
