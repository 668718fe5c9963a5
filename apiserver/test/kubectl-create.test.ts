// Stock kubectl against kubesim: `create <generator>` (protobuf bodies), Table output of
// `get`, and `logs` proxied to a (fake) kubelet.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './kubectl-harness.ts';

describe.skipIf(!hasKubectl)('kubectl create, get and logs', () => {
  let h: KubectlHarness;
  let kubelet: http.Server;
  const kubeletRequests: string[] = [];

  beforeAll(async () => {
    h = await startKubectlHarness();
    kubelet = http.createServer((req, res) => {
      kubeletRequests.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('hello from nginx\n');
    });
    await new Promise<void>((resolve) => kubelet.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => kubelet.close(resolve));
    await h.close();
  });

  it.each([
    [['create', 'deployment', 'web', '--image=nginx', '--replicas=3'], 'deployment.apps/web created'],
    [['create', 'namespace', 'team-a'], 'namespace/team-a created'],
    [['create', 'configmap', 'settings', '--from-literal=a=1', '--from-literal=b=two'], 'configmap/settings created'],
    [['create', 'secret', 'generic', 'creds', '--from-literal=user=admin'], 'secret/creds created'],
    [['create', 'service', 'clusterip', 'web', '--tcp=80:8080'], 'service/web created'],
    [['create', 'serviceaccount', 'builder'], 'serviceaccount/builder created'],
    [['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/1 * * * *', '--', 'date'], 'cronjob.batch/tick created'],
    [['create', 'priorityclass', 'high', '--value=1000', '--description=high priority'], 'priorityclass.scheduling.k8s.io/high created'],
  ])('kubectl %j sends protobuf that kubesim decodes', async (args, out) => {
    const res = await h.kubectl(args);
    expect(res.stderr).toBe('');
    expect(res.stdout).toBe(`${out}\n`);
  });

  it('stores what kubectl meant', async () => {
    const d = (await h.registry.get(resources.deployments, 'web', { namespace: 'default' })) as unknown as { spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } } };
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.spec.containers[0]!.image).toBe('nginx');
    const secret = (await h.registry.get(resources.secrets, 'creds', { namespace: 'default' })) as unknown as { data: Record<string, string> };
    expect(Buffer.from(secret.data['user']!, 'base64').toString()).toBe('admin');
    const pc = (await h.registry.get(resources.priorityclasses, 'high')) as unknown as { value: number; description: string };
    expect([pc.value, pc.description]).toEqual([1000, 'high priority']);
  });

  it('creates nothing with --dry-run=server', async () => {
    expect((await h.kubectl(['create', 'deployment', 'dry', '--image=nginx', '--dry-run=server'])).stdout).toBe('deployment.apps/dry created (server dry run)\n');
    expect((await h.kubectl(['get', 'deployment', 'dry'])).stderr).toContain('NotFound');
  });

  it('prints Tables: wide columns, services and configmaps', async () => {
    const wide = await h.kubectl(['get', 'deployments', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(wide.stdout).toMatch(/web\s+0\/3\s+0\s+0\s+\S+\s+nginx\s+nginx\s+app=web/);
    const svc = await h.kubectl(['get', 'service', 'web']);
    expect(svc.stdout).toMatch(/web\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP/);
    const cm = await h.kubectl(['get', 'configmaps', 'settings', '--show-labels']);
    expect(cm.stdout).toMatch(/settings\s+2\s+\S+\s+<none>/);
  });

  it('prints the logs the kubelet serves, and a waiting container as a 400', async () => {
    const port = (kubelet.address() as AddressInfo).port;
    await h.registry.create(resources.nodes, { metadata: { name: 'node-1' } });
    await h.registry.guaranteedUpdate(
      resources.nodes,
      undefined,
      'node-1',
      (cur) => ({ ...cur, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } }),
      { subresource: 'status' },
    );
    const pod = (name: string) => ({ metadata: { name, namespace: 'default' }, spec: { nodeName: 'node-1', containers: [{ name: 'nginx', image: 'nginx' }] } });
    await h.registry.create(resources.pods, pod('mypod'), { namespace: 'default' });
    await h.registry.guaranteedUpdate(
      resources.pods,
      'default',
      'mypod',
      (cur) => ({ ...cur, status: { qosClass: (cur as { status?: { qosClass?: string } }).status?.qosClass, phase: 'Running', containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0, image: 'nginx', imageID: '', state: { running: {} } }] } }),
      { subresource: 'status' },
    );
    const logs = await h.kubectl(['logs', 'mypod', '--tail=5']);
    expect(logs.stdout).toBe('hello from nginx\n');
    expect(kubeletRequests).toContain('/containerLogs/default/mypod/nginx?tailLines=5');
    await h.registry.create(resources.pods, pod('waiting'), { namespace: 'default' });
    const waiting = await h.kubectl(['logs', 'waiting']);
    expect(waiting.stderr).toContain('container "nginx" in pod "waiting" is waiting to start: ContainerCreating');
    const table = await h.kubectl(['get', 'pods']);
    expect(table.stdout).toMatch(/mypod\s+1\/1\s+Running\s+0\s+/);
    expect(table.stdout).toMatch(/waiting\s+0\/1\s+Pending\s+0\s+/);
  });
});
