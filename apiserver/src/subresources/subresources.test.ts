import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '@kubesim/store';
import { ApiError, VirtualClock, allResources, resources, seededRandom, type KubeObject } from '@kubesim/shared';
import { Registry, type SubresourceRequest } from '../registry/registry.ts';
import { registerSubresourceHandlers, registerSubresources } from './index.ts';

const NS = { namespace: 'default' };
let registry: Registry;

beforeEach(async () => {
  const clock = new VirtualClock(Date.parse('2024-01-01T00:00:00Z'));
  registry = new Registry({ store: createMemoryStore(), clock, random: seededRandom(7), resources: allResources });
  await registry.start();
  registerSubresourceHandlers(registry);
});
afterEach(async () => {
  await registry.stop();
});

const deployment = (replicas: number) => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
  },
});

const req = (over: Partial<SubresourceRequest> & Pick<SubresourceRequest, 'type' | 'name' | 'subresource'>): SubresourceRequest => ({ namespace: 'default', query: {}, ...over });

async function caught(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('scale', () => {
  it('reads a deployment as an autoscaling/v1 Scale with a string selector', async () => {
    await registry.create(resources.deployments, deployment(3), NS);
    const scale = await registry.subresourceHandler(resources.deployments, 'scale')!.get!(req({ type: resources.deployments, name: 'web', subresource: 'scale' }));
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3 }, status: { replicas: 0, selector: 'app=web' } });
  });

  it('changes only spec.replicas on a merge patch, as kubectl scale sends', async () => {
    await registry.create(resources.deployments, deployment(3), NS);
    const h = registry.subresourceHandler(resources.deployments, 'scale')!;
    const out = await h.patch!(req({ type: resources.deployments, name: 'web', subresource: 'scale', body: { spec: { replicas: 5 } }, patchType: 'merge' }));
    expect(out).toMatchObject({ spec: { replicas: 5 } });
    const stored = (await registry.get(resources.deployments, 'web', NS)) as KubeObject & { spec: { replicas: number } };
    expect(stored.spec.replicas).toBe(5);
  });

  it('honours the resourceVersion of a PUT Scale and rejects negative replicas', async () => {
    const created = await registry.create(resources.deployments, deployment(3), NS);
    const h = registry.subresourceHandler(resources.deployments, 'scale')!;
    const put = (body: unknown) => h.update!(req({ type: resources.deployments, name: 'web', subresource: 'scale', body }));
    expect(await put({ metadata: { name: 'web', resourceVersion: created.metadata.resourceVersion }, spec: { replicas: 7 } })).toMatchObject({ spec: { replicas: 7 } });
    expect((await caught(put({ metadata: { name: 'web', resourceVersion: created.metadata.resourceVersion }, spec: { replicas: 1 } }))).code).toBe(409);
    const invalid = await caught(put({ metadata: { name: 'web' }, spec: { replicas: -1 } }));
    expect(invalid.code).toBe(422);
    expect(invalid.message).toBe('Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });

  it('is registered for replicasets and statefulsets too', () => {
    expect(registry.subresourceHandler(resources.replicasets, 'scale')).toBeDefined();
    expect(registry.subresourceHandler(resources.statefulsets, 'scale')).toBeDefined();
  });
});

const runningPod = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, namespace: 'default', labels: { app: 'web' } },
  spec: { nodeName: 'node-1', containers: [{ name: 'nginx', image: 'nginx' }] },
  ...extra,
});

async function makeRunning(name: string): Promise<void> {
  await registry.create(resources.pods, runningPod(name), NS);
  await registry.guaranteedUpdate(
    resources.pods,
    'default',
    name,
    (cur) => ({
      ...cur,
      status: {
        qosClass: (cur as { status?: { qosClass?: string } }).status?.qosClass,
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'nginx', ready: true, restartCount: 0, image: 'nginx', imageID: '', state: { running: { startedAt: '2024-01-01T00:00:00Z' } } }],
      },
    }),
    { subresource: 'status' },
  );
}

/** false when the registry cannot create a PDB yet (its status reset must hold the four counts) */
async function makePdb(allowed: number): Promise<boolean> {
  try {
    await registry.create(resources.poddisruptionbudgets, { metadata: { name: 'web-pdb', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } }, NS);
  } catch (err) {
    if (err instanceof ApiError && err.code === 422 && err.message.includes('status.')) return false;
    throw err;
  }
  await registry.guaranteedUpdate(
    resources.poddisruptionbudgets,
    'default',
    'web-pdb',
    (cur) => ({ ...cur, status: { observedGeneration: cur.metadata.generation ?? 1, disruptionsAllowed: allowed, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 } }),
    { subresource: 'status' },
  );
  return true;
}

describe('eviction', () => {
  const evict = (name: string) =>
    registry.subresourceHandler(resources.pods, 'eviction')!.create!(
      req({ type: resources.pods, name, subresource: 'eviction', body: { kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name, namespace: 'default' }, deleteOptions: {} } }),
    );

  it('deletes a pod without a PDB and answers 201 Success', async () => {
    await makeRunning('a');
    expect(await evict('a')).toEqual({ code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } });
    const left = await registry.list(resources.pods, NS);
    expect(left.items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name)).not.toContain('a');
  });

  it('consumes the budget, then answers 429 when the PDB allows no more disruptions', async (ctx) => {
    await makeRunning('a');
    await makeRunning('b');
    if (!(await makePdb(1))) ctx.skip();
    await evict('a');
    const pdb = (await registry.get(resources.poddisruptionbudgets, 'web-pdb', NS)) as KubeObject & { status: { disruptionsAllowed: number; disruptedPods: Record<string, string> } };
    expect(pdb.status.disruptionsAllowed).toBe(0);
    expect(Object.keys(pdb.status.disruptedPods)).toEqual(['a']);
    const err = await caught(evict('b'));
    expect(err.code).toBe(429);
    expect(err.reason).toBe('TooManyRequests');
    expect(err.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(err.status.details?.causes?.[0]?.reason).toBe('DisruptionBudget');
  });

  it('answers 404 for a missing pod', async () => {
    expect((await caught(evict('nope'))).code).toBe(404);
  });
});

describe('pods/log', () => {
  let kubelet: http.Server;
  let port = 0;
  const seen: string[] = [];

  beforeEach(async () => {
    seen.length = 0;
    kubelet = http.createServer((request, response) => {
      seen.push(request.url ?? '');
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      if ((request.url ?? '').includes('follow=true')) {
        response.write('line 1\n');
        setImmediate(() => response.end('line 2\n'));
      } else {
        response.end('hello from nginx\n');
      }
    });
    await new Promise<void>((resolve) => kubelet.listen(0, '127.0.0.1', resolve));
    port = (kubelet.address() as AddressInfo).port;
    await registry.create(resources.nodes, { metadata: { name: 'node-1' } });
    await registry.guaranteedUpdate(
      resources.nodes,
      undefined,
      'node-1',
      (cur) => ({ ...cur, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } }),
      { subresource: 'status' },
    );
  });
  afterEach(async () => {
    await new Promise((resolve) => kubelet.close(resolve));
  });

  const logs = (name: string, query: Record<string, string>) =>
    registry.subresourceHandler(resources.pods, 'log')!.get!(req({ type: resources.pods, name, subresource: 'log', query }));

  it('proxies to the kubelet with the same query', async () => {
    await makeRunning('mypod');
    expect(await logs('mypod', { container: 'nginx', tailLines: '2', timestamps: 'true' })).toBe('hello from nginx\n');
    expect(seen).toEqual(['/containerLogs/default/mypod/nginx?tailLines=2&timestamps=true']);
  });

  it('streams when following', async () => {
    await makeRunning('mypod');
    const out = (await logs('mypod', { container: 'nginx', follow: 'true' })) as AsyncIterable<string>;
    let text = '';
    for await (const chunk of out) text += chunk;
    expect(text).toBe('line 1\nline 2\n');
  });

  it('answers 400 for a container that has not started, or is unknown', async () => {
    await registry.create(resources.pods, runningPod('waiting'), NS);
    const err = await caught(logs('waiting', { container: 'nginx' }));
    expect(err.code).toBe(400);
    expect(err.message).toBe('container "nginx" in pod "waiting" is waiting to start: ContainerCreating');
    expect((await caught(logs('waiting', { container: 'nope' }))).message).toBe('container nope is not valid for pod waiting');
  });

  it('serves text/plain over HTTP, and a Status on errors', async () => {
    await makeRunning('mypod');
    const app = Fastify();
    registerSubresources(app, registry);
    await app.ready();
    const ok = await app.inject({ url: '/api/v1/namespaces/default/pods/mypod/log?container=nginx' });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect(ok.body).toBe('hello from nginx\n');
    const followed = await app.inject({ url: '/api/v1/namespaces/default/pods/mypod/log?container=nginx&follow=true' });
    expect(followed.body).toBe('line 1\nline 2\n');
    const missing = await app.inject({ url: '/api/v1/namespaces/default/pods/nope/log' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ kind: 'Status', reason: 'NotFound' });
    await app.close();
  });
});
