// End to end through a whole running cluster on this machine: a real HTTPS apiserver, the
// scheduler, the controller-manager (ReplicaSet, Deployment, EndpointSlice, Endpoints),
// kubelet-sim (two nodes, serving nginx pods on loopback ports) and proxy-sim. It does what
// the user does: expose a 3-replica deployment as a NodePort and curl it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiserver } from '@kubesim/apiserver';
import type { ApiserverHandle } from '@kubesim/apiserver';
import { startControllerManager } from '@kubesim/controller-manager';
import type { ControllerManager } from '@kubesim/controller-manager';
import { startKubeletSim } from '@kubesim/kubelet-sim';
import type { KubeletSim } from '@kubesim/kubelet-sim';
import { startScheduler } from '@kubesim/scheduler';
import type { SchedulerHandle } from '@kubesim/scheduler';
import { createHttpClient, noopLogger, realClock, resources, seededRandom } from '@kubesim/shared';
import type { Client, Deployment, Endpoints, Pod } from '@kubesim/shared';
import { startProxySim } from '../src/index.ts';
import type { ProxySim } from '../src/index.ts';
import { eventually, get, ns, tally } from './support.ts';

const podOf = (answer: string): string => /pod default\/(\S+)/.exec(answer)?.[1] ?? answer;

describe('a deployment exposed as a NodePort, end to end', () => {
  let dataDir: string;
  let api: ApiserverHandle;
  let client: Client;
  let scheduler: SchedulerHandle;
  let cm: ControllerManager;
  let kubelet: KubeletSim;
  let proxy: ProxySim;
  let nodePort: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kubesim-e2e-'));
    api = await startApiserver({ dataDir, port: 0, store: 'memory', logger: noopLogger });
    client = createHttpClient({ server: api.url, token: api.adminToken, ca: api.caCert });
    scheduler = await startScheduler({ client, clock: realClock, random: seededRandom(1) });
    cm = await startControllerManager({ client, clock: realClock, random: seededRandom(2), controllers: ['replicaset', 'deployment', 'endpointslice', 'endpoint'] });
    kubelet = await startKubeletSim({ client, clock: realClock, random: seededRandom(3), nodes: 2, httpPort: 0, events: false });
    await kubelet.whenRegistered();
    proxy = await startProxySim({ client, clock: realClock, statusPort: 0 });
    const deployment: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1, failureThreshold: 1 } }] },
        },
      },
    } as Deployment;
    await client.create(resources.deployments, deployment, ns);
    // what `kubectl expose deployment web --type=NodePort --port=80` creates
    const svc = await client.create(resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } }, ns);
    nodePort = svc.spec!.ports![0]!.nodePort!;
  });

  afterAll(async () => {
    await proxy?.stop();
    await kubelet?.stop();
    await cm?.stop();
    await scheduler?.stop();
    (client as { close?: () => void } | undefined)?.close?.();
    await api?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const rotation = (): string[] =>
    proxy
      .services()
      .filter((s) => s.name === 'web')
      .flatMap((s) => s.endpoints.filter((e) => e.inRotation).map((e) => (e.pod ?? '').replace('default/', '')))
      .sort();
  const readyPods = async (): Promise<string[]> =>
    (await client.list(resources.pods, { ...ns, labelSelector: 'app=web' })).items
      .filter((p: Pod) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((p) => p.metadata.name ?? '')
      .sort();
  const curl = async (n: number): Promise<string[]> => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(podOf(await get(`127.0.0.1:${nodePort}`)));
    return out;
  };

  it('answers curl on 127.0.0.1:<nodePort> from each of the three pods in turn', async () => {
    const ready = await eventually(async () => ((await readyPods()).length === 3 ? readyPods() : undefined), 30_000);
    await eventually(() => rotation().join() === ready.join(), 10_000);
    const answers = await curl(30);
    expect(tally(answers)).toEqual(Object.fromEntries(ready.map((p) => [p, 10])));
    const ep = await client.get(resources.endpoints, 'web', ns) as Endpoints;
    expect((ep.subsets?.[0]?.addresses ?? []).map((a) => a.targetRef?.name).sort()).toEqual(ready);
  });

  it('brings new pods into rotation after a scale to 5', async () => {
    await client.patch(resources.deployments, 'web', { spec: { replicas: 5 } }, { type: 'merge', ...ns });
    const ready = await eventually(async () => ((await readyPods()).length === 5 ? readyPods() : undefined), 30_000);
    await eventually(() => rotation().join() === ready.join(), 10_000);
    expect(tally(await curl(25))).toEqual(Object.fromEntries(ready.map((p) => [p, 5])));
  });

  it('takes a deleted pod out of rotation', async () => {
    const victim = rotation()[0]!;
    await client.delete(resources.pods, victim, ns);
    await eventually(() => !rotation().includes(victim), 10_000);
    expect(await curl(10)).not.toContain(victim);
  });

  // kubelet-sim reads kubesim.io/ annotations when a container starts, so the failure is set
  // in the template: the readiness probe passes for 6 s after start, then fails for good.
  it('takes a pod whose readiness probe starts failing (kubesim.io/probe-fail) out of rotation', async () => {
    await client.create(resources.deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'flaky', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'flaky' } },
        template: {
          metadata: { labels: { app: 'flaky' }, annotations: { 'kubesim.io/probe-fail': 'readiness', 'kubesim.io/probe-fail-after': '6s' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1, failureThreshold: 1 } }] },
        },
      },
    } as Deployment, ns);
    await client.create(resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'flaky', namespace: 'default' }, spec: { selector: { app: 'flaky' }, ports: [{ port: 80, targetPort: 80 }] } }, ns);
    const flaky = (): { local?: string; inRotation: number; endpoints: number } => {
      const s = proxy.services().find((x) => x.name === 'flaky');
      return { ...(s?.local ? { local: s.local } : {}), inRotation: s?.endpoints.filter((e) => e.inRotation).length ?? 0, endpoints: s?.endpoints.length ?? 0 };
    };
    await eventually(() => flaky().inRotation === 1, 30_000);
    expect(podOf(await get(flaky().local!))).toMatch(/^flaky-/);
    await eventually(() => flaky().inRotation === 0 && flaky().endpoints === 1, 30_000);
    await expect(get(flaky().local!)).rejects.toThrow(/ECONNRESET|socket hang up/);
  });
});
