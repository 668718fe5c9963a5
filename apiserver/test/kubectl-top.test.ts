// Stock `kubectl top` against kubesim: metrics.k8s.io/v1beta1 from the kubelets' Summary API
// (a fake kubelet here, in kubelet-sim's shape: one port for every node, `?node=`), and
// `nodes/<name>/proxy` through to the kubelet.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources, type KubeObject } from '@kubesim/shared';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './kubectl-harness.ts';
import { cpuQuantity, memoryQuantity } from '../src/metricsapi/summary.ts';

const MI = 1024 * 1024;
const usage = (cores: number, bytes: number) => ({ cpu: { time: '2024-01-01T00:00:00Z', usageNanoCores: cores * 1e9 }, memory: { time: '2024-01-01T00:00:00Z', workingSetBytes: bytes } });

const summaries: Record<string, unknown> = {
  n1: { node: { nodeName: 'n1', ...usage(0.5, 1024 * MI) }, pods: [{ podRef: { name: 'web', namespace: 'default' }, containers: [{ name: 'nginx', ...usage(0.25, 64 * MI) }, { name: 'log', ...usage(0.001, 8 * MI) }] }] },
  n2: { node: { nodeName: 'n2', ...usage(1.5, 2048 * MI) }, pods: [{ podRef: { name: 'db', namespace: 'default' }, containers: [{ name: 'pg', ...usage(1, 512 * MI) }] }] },
};

describe('resource quantities', () => {
  it('formats cpu and memory as canonical Kubernetes quantities', () => {
    expect([cpuQuantity(250_000_000), cpuQuantity(2e9), cpuQuantity(1_234_567), cpuQuantity(5000)]).toEqual(['250m', '2', '1234567n', '5u']);
    expect([memoryQuantity(64 * MI), memoryQuantity(4000 * 1024), memoryQuantity(1000), memoryQuantity(0)]).toEqual(['64Mi', '4000Ki', '1000', '0']);
  });
});

describe.skipIf(!hasKubectl)('kubectl top and nodes/proxy', () => {
  let h: KubectlHarness;
  let kubelet: http.Server;
  const asked: string[] = [];

  beforeAll(async () => {
    h = await startKubectlHarness();
    kubelet = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      const s = summaries[url.searchParams.get('node') ?? ''];
      if (url.pathname !== '/stats/summary' || !s) {
        res.writeHead(404).end('404 page not found');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(s));
    });
    await new Promise<void>((resolve) => kubelet.listen(0, '127.0.0.1', resolve));
    const port = (kubelet.address() as AddressInfo).port;
    for (const name of ['n1', 'n2']) {
      await h.registry.create(resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name } } as KubeObject);
      await h.registry.update(
        resources.nodes,
        { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { capacity: { cpu: '4', memory: '8Gi' }, allocatable: { cpu: '4', memory: '8Gi' }, addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } } as KubeObject,
        { subresource: 'status' },
      );
    }
    for (const [name, node, labels] of [['web', 'n1', { app: 'web' }], ['db', 'n2', { app: 'db' }], ['pending', '', { app: 'web' }]] as const) {
      await h.registry.create(resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { ...(node ? { nodeName: node } : {}), containers: [{ name: 'c', image: 'nginx' }] } } as KubeObject);
    }
  });
  afterAll(async () => {
    await new Promise((resolve) => kubelet.close(resolve));
    await h.close();
  });

  it('prints pod usage, per container and by label', async () => {
    const pods = await h.kubectl(['top', 'pods']);
    expect(pods.stderr).toBe('');
    expect(pods.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/))).toEqual([
      ['NAME', 'CPU(cores)', 'MEMORY(bytes)'],
      ['db', '1000m', '512Mi'],
      ['web', '251m', '72Mi'],
    ]);
    const containers = await h.kubectl(['top', 'pod', 'web', '--containers']);
    expect(containers.stdout).toMatch(/web\s+nginx\s+250m\s+64Mi/);
    expect(containers.stdout).toMatch(/web\s+log\s+1m\s+8Mi/);
    expect((await h.kubectl(['top', 'pods', '-l', 'app=db'])).stdout).not.toContain('web');
    expect((await h.kubectl(['top', 'pod', 'pending'])).stderr).toContain('podmetrics.metrics.k8s.io "default/pending" not found');
  });

  it('prints node usage against allocatable', async () => {
    const nodes = await h.kubectl(['top', 'nodes']);
    expect(nodes.stderr).toBe('');
    expect(nodes.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/))).toEqual([
      ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'],
      ['n1', '500m', '12%', '1024Mi', '12%'],
      ['n2', '1500m', '37%', '2048Mi', '25%'],
    ]);
  });

  it('proxies node requests to the kubelet, naming the node', async () => {
    const raw = await h.kubectl(['get', '--raw', '/api/v1/nodes/n2/proxy/stats/summary']);
    expect(JSON.parse(raw.stdout)).toEqual(summaries['n2']);
    expect(asked).toContain('/stats/summary?node=n2');
  });
});
