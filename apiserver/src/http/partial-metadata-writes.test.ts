// Writes that ask for `Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1`,
// through the real HTTP server (listening on 127.0.0.1) and kubesim's HTTP client: POST, PUT,
// PATCH and the status subresource answer the written object's metadata (the write done), a
// binding and an eviction still answer their Status, an error still answers its Status.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createHttpClient, isConflict, isNotFound, resources } from '@kubesim/shared';
import type { ConfigMap, HttpClient, KubeObject, PartialObjectMetadata, Pod } from '@kubesim/shared';
import { makeConfigMap, makeDeployment, makePod, makeRegistry } from '../test-helpers.ts';
import type { Registry } from '../registry/registry.ts';
import { createInProcessClient } from '../registry/in-process-client.ts';
import { rememberJson } from '../registry/cached-object.ts';
import { buildApp } from './app.ts';
import { writeAnswer } from './resources.ts';

const POM = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

let registry: Registry;
let app: FastifyInstance;
let base: string;
let client: HttpClient;

beforeAll(async () => {
  registry = await makeRegistry();
  app = await buildApp({ registry, maxMutatingInFlight: 200 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  client = createHttpClient({ server: base });
});
afterAll(async () => {
  client.close();
  await app.close();
  await registry.stop();
});

interface Answer {
  code: number;
  body: Record<string, unknown>;
}

async function send(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', accept: POM, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { code: res.status, body: (await res.json()) as Record<string, unknown> };
}

const stored = async (type: typeof resources.configmaps | typeof resources.pods, name: string): Promise<KubeObject> => registry.get(type, name, { namespace: 'default' });

function expectPartialOf(answer: Answer, code: number, obj: KubeObject, version = 'v1'): void {
  expect(answer.code).toBe(code);
  expect(answer.body).toEqual({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata });
}

describe('writes answering PartialObjectMetadata', () => {
  it('answers a POST with the created object metadata and a 201, the object stored whole', async () => {
    const r = await send('POST', '/api/v1/namespaces/default/configmaps', makeConfigMap('pom-post', { a: '1' }));
    const cm = (await stored(resources.configmaps, 'pom-post')) as ConfigMap;
    expectPartialOf(r, 201, cm);
    expect(cm.data).toEqual({ a: '1' });
    expect(cm.metadata.resourceVersion).toMatch(/^\d+$/);
  });

  it('answers a PUT with the metadata of the updated object, its new resourceVersion included', async () => {
    await registry.create(resources.configmaps, makeConfigMap('pom-put', { a: '1' }));
    const before = await stored(resources.configmaps, 'pom-put');
    const r = await send('PUT', '/api/v1/namespaces/default/configmaps/pom-put', { ...before, data: { a: '2' } });
    const after = (await stored(resources.configmaps, 'pom-put')) as ConfigMap;
    expectPartialOf(r, 200, after);
    expect(after.data).toEqual({ a: '2' });
    expect(after.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
  });

  it('answers a PUT that creates the object (a Service: AllowCreateOnUpdate) with a 201', async () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'pom-put-new', namespace: 'default' }, spec: { ports: [{ port: 80 }] } };
    const r = await send('PUT', '/api/v1/namespaces/default/services/pom-put-new', svc);
    expectPartialOf(r, 201, await registry.get(resources.services, 'pom-put-new', { namespace: 'default' }));
  });

  it('answers a merge PATCH with the metadata of the patched object', async () => {
    await registry.create(resources.configmaps, makeConfigMap('pom-patch', { a: '1' }));
    const r = await send('PATCH', '/api/v1/namespaces/default/configmaps/pom-patch', { metadata: { labels: { x: 'y' } }, data: { b: '2' } }, { 'content-type': 'application/merge-patch+json' });
    const after = (await stored(resources.configmaps, 'pom-patch')) as ConfigMap;
    expectPartialOf(r, 200, after);
    expect(after.data).toEqual({ a: '1', b: '2' });
    expect(after.metadata.labels).toEqual({ x: 'y' });
  });

  it('answers a PATCH and a PUT of pods/status with the pod metadata, the status written', async () => {
    await registry.create(resources.pods, makePod('pom-status'));
    const r = await send('PATCH', '/api/v1/namespaces/default/pods/pom-status/status', { status: { phase: 'Running' } }, { 'content-type': 'application/merge-patch+json' });
    const patched = (await stored(resources.pods, 'pom-status')) as Pod;
    expectPartialOf(r, 200, patched);
    expect(patched.status?.phase).toBe('Running');
    const put = await send('PUT', '/api/v1/namespaces/default/pods/pom-status/status', { ...patched, status: { ...patched.status, phase: 'Succeeded' } });
    const replaced = (await stored(resources.pods, 'pom-status')) as Pod;
    expectPartialOf(put, 200, replaced);
    expect(replaced.status?.phase).toBe('Succeeded');
  });

  it('answers the new resourceVersion while in-process watchers share the written objects', async () => {
    // an in-process watcher parses every event: writes then hand the watch cache their
    // object, which gets its resourceVersion only when its event is applied
    const watcher = createInProcessClient(registry).watch(resources.pods, { namespace: 'default' });
    const events: string[] = [];
    const watching = (async () => {
      for await (const ev of watcher) events.push(`${ev.type} ${ev.object.metadata.name}`);
    })();
    try {
      await registry.create(resources.pods, makePod('pom-shared'));
      for (const phase of ['Pending', 'Running', 'Succeeded']) {
        const r = await send('PATCH', '/api/v1/namespaces/default/pods/pom-shared/status', { status: { phase } }, { 'content-type': 'application/merge-patch+json' });
        const pod = (await stored(resources.pods, 'pom-shared')) as Pod;
        expectPartialOf(r, 200, pod);
        expect(pod.status?.phase).toBe(phase);
      }
      const r = await send('PATCH', '/api/v1/namespaces/default/pods/pom-shared', { metadata: { labels: { a: 'b' } } }, { 'content-type': 'application/merge-patch+json' });
      expectPartialOf(r, 200, await stored(resources.pods, 'pom-shared'));
      const created = await send('POST', '/api/v1/namespaces/default/pods', makePod('pom-shared-2'));
      expectPartialOf(created, 201, await stored(resources.pods, 'pom-shared-2'));
    } finally {
      watcher.close();
      await watching;
    }
    expect(events.length).toBeGreaterThan(0);
  });

  it('answers a whole-object PUT and PATCH of pods/status with the stored JSON, resourceVersion included, while in-process watchers share the written objects', async () => {
    const watcher = createInProcessClient(registry).watch(resources.pods, { namespace: 'default' });
    const watching = (async () => {
      for await (const ev of watcher) void ev;
    })();
    try {
      await registry.create(resources.pods, makePod('json-status'));
      for (const step of ['one', 'two', 'three']) {
        const cur = (await stored(resources.pods, 'json-status')) as Pod;
        const put = await send('PUT', '/api/v1/namespaces/default/pods/json-status/status', { ...cur, status: { ...cur.status, message: `put ${step}` } }, { accept: 'application/json' });
        const after = (await stored(resources.pods, 'json-status')) as Pod;
        expect(put.code).toBe(200);
        expect(put.body).toEqual(after);
        expect(after.metadata.resourceVersion).not.toBe(cur.metadata.resourceVersion);
        const patch = await send('PATCH', '/api/v1/namespaces/default/pods/json-status/status', { status: { reason: `patch-${step}` } }, { accept: 'application/json', 'content-type': 'application/merge-patch+json' });
        expect(patch.code).toBe(200);
        expect(patch.body).toEqual(await stored(resources.pods, 'json-status'));
      }
    } finally {
      watcher.close();
      await watching;
    }
  });

  it('carries the meta.k8s.io version asked for', async () => {
    const r = await send('POST', '/api/v1/namespaces/default/configmaps', makeConfigMap('pom-beta'), { accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1' });
    expectPartialOf(r, 201, await stored(resources.configmaps, 'pom-beta'), 'v1beta1');
  });

  it('answers the whole object when the Accept header does not ask for metadata only', async () => {
    for (const accept of ['application/json', 'application/vnd.kubernetes.protobuf,application/json', 'application/vnd.kubernetes.protobuf']) {
      const name = `pom-whole-${accept.length}`;
      const r = await send('POST', '/api/v1/namespaces/default/configmaps', makeConfigMap(name, { a: '1' }), { accept });
      expect(r.code).toBe(201);
      expect(r.body).toEqual(await stored(resources.configmaps, name));
    }
  });

  it('answers a binding with its Status, the pod bound', async () => {
    await registry.create(resources.pods, makePod('pom-bind'));
    const r = await send('POST', '/api/v1/namespaces/default/pods/pom-bind/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'pom-bind' }, target: { kind: 'Node', name: 'n1' } });
    expect(r.code).toBe(201);
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(((await stored(resources.pods, 'pom-bind')) as Pod).spec?.nodeName).toBe('n1');
  });

  it('answers an eviction with its Status', async () => {
    await registry.create(resources.pods, makePod('pom-evict'));
    const r = await send('POST', '/api/v1/namespaces/default/pods/pom-evict/eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'pom-evict', namespace: 'default' } });
    expect(r.code).toBeLessThan(300);
    expect(r.body['kind']).toBe('Status');
  });

  it('answers a scale PATCH with the Scale metadata (an object with metadata, as Kubernetes transforms it)', async () => {
    await registry.create(resources.deployments, makeDeployment('pom-scale', 1));
    const r = await send('PATCH', '/apis/apps/v1/namespaces/default/deployments/pom-scale/scale', { spec: { replicas: 3 } }, { 'content-type': 'application/merge-patch+json' });
    const d = (await registry.get(resources.deployments, 'pom-scale', { namespace: 'default' })) as KubeObject & { spec: { replicas: number } };
    expect(r.code).toBe(200);
    expect(r.body['kind']).toBe('PartialObjectMetadata');
    expect(r.body['metadata']).toMatchObject({ name: 'pom-scale', namespace: 'default', uid: d.metadata.uid, resourceVersion: d.metadata.resourceVersion });
    expect(d.spec.replicas).toBe(3);
  });

  it('answers errors with their Status unchanged', async () => {
    const missing = await send('PATCH', '/api/v1/namespaces/default/configmaps/pom-missing', { data: { a: '1' } }, { 'content-type': 'application/merge-patch+json' });
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    await registry.create(resources.configmaps, makeConfigMap('pom-conflict'));
    const stale = await send('PUT', '/api/v1/namespaces/default/configmaps/pom-conflict', { ...makeConfigMap('pom-conflict', { a: '2' }), metadata: { name: 'pom-conflict', namespace: 'default', resourceVersion: '1' } });
    expect(stale.code).toBe(409);
    expect(stale.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
    const dup = await send('POST', '/api/v1/namespaces/default/configmaps', makeConfigMap('pom-conflict'));
    expect(dup.code).toBe(409);
    expect(dup.body).toMatchObject({ kind: 'Status', reason: 'AlreadyExists' });
  });
});

describe("the HTTP client's answer: 'metadata'", () => {
  it('gets the PartialObjectMetadata of a create, an update and a patch, and the object without it', async () => {
    const created: PartialObjectMetadata = await client.create(resources.configmaps, makeConfigMap('client-pom', { a: '1' }) as ConfigMap, { namespace: 'default', answer: 'metadata' });
    expect(created).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: (await stored(resources.configmaps, 'client-pom')).metadata });
    const current = await client.get(resources.configmaps, 'client-pom', { namespace: 'default' });
    const updated: PartialObjectMetadata = await client.update(resources.configmaps, { ...current, data: { a: '2' } }, { answer: 'metadata' });
    expect(updated.metadata).toEqual((await stored(resources.configmaps, 'client-pom')).metadata);
    const patched: PartialObjectMetadata = await client.patch(resources.configmaps, 'client-pom', { data: { b: '3' } }, { type: 'merge', namespace: 'default', answer: 'metadata' });
    const after = (await stored(resources.configmaps, 'client-pom')) as ConfigMap;
    expect(patched).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: after.metadata });
    expect(after.data).toEqual({ a: '2', b: '3' });
    const whole: ConfigMap = await client.patch(resources.configmaps, 'client-pom', { data: { c: '4' } }, { type: 'merge', namespace: 'default' });
    expect(whole.data).toEqual({ a: '2', b: '3', c: '4' });
  });

  it('writes pod status asking for metadata only, as kubelet-sim does', async () => {
    await registry.create(resources.pods, makePod('client-status'));
    const answer = await client.patch(resources.pods, 'client-status', { status: { phase: 'Running' } }, { type: 'merge', subresource: 'status', namespace: 'default', answer: 'metadata' });
    const pod = (await stored(resources.pods, 'client-status')) as Pod;
    expect(answer.kind).toBe('PartialObjectMetadata');
    expect(answer.metadata.resourceVersion).toBe(pod.metadata.resourceVersion);
    expect(pod.status?.phase).toBe('Running');
  });

  it("gets the whole stored object for answer: 'shared' (over HTTP a private, decoded answer)", async () => {
    const created = await client.create(resources.configmaps, makeConfigMap('client-shared', { a: '1' }) as ConfigMap, { namespace: 'default', answer: 'shared' });
    expect(created).toEqual(await stored(resources.configmaps, 'client-shared'));
    const updated = await client.update(resources.configmaps, { ...created, data: { a: '2' } }, { answer: 'shared' });
    const after = (await stored(resources.configmaps, 'client-shared')) as ConfigMap;
    expect(updated).toEqual(after);
    expect(after.data).toEqual({ a: '2' });
    // the answer is the caller's: changing it changes nothing stored
    (updated as ConfigMap).data = { a: 'changed' };
    expect(((await stored(resources.configmaps, 'client-shared')) as ConfigMap).data).toEqual({ a: '2' });
  });

  it('still fails with the Status of an error', async () => {
    const err = await client.patch(resources.configmaps, 'client-missing', { data: {} }, { type: 'merge', namespace: 'default', answer: 'metadata' }).catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
    await registry.create(resources.configmaps, makeConfigMap('client-conflict'));
    const stale = { ...(makeConfigMap('client-conflict') as ConfigMap), metadata: { name: 'client-conflict', namespace: 'default', resourceVersion: '1' } };
    expect(isConflict(await client.update(resources.configmaps, stale, { answer: 'metadata' }).catch((e: unknown) => e))).toBe(true);
  });
});

describe('writeAnswer', () => {
  const neg = { as: 'PartialObjectMetadata', version: 'v1' } as const;
  it('takes the resourceVersion from the remembered JSON when the answer is the watch cache object, not yet given its own', () => {
    // what a write hands the watch cache: the stored form, no resourceVersion in it
    const shared = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default', uid: 'u1' }, data: { big: 'x'.repeat(1000) } };
    rememberJson(shared, JSON.stringify(shared), 42);
    expect(JSON.parse(writeAnswer(neg, shared) as string)).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '42', name: 'a', namespace: 'default', uid: 'u1' } });
    expect(shared.metadata).toEqual({ name: 'a', namespace: 'default', uid: 'u1' }); // not changed
  });

  it('keeps the resourceVersion an answer has, and answers a Status or a body without metadata as it is', () => {
    const own = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '7' } };
    expect(JSON.parse(writeAnswer({ as: 'PartialObjectMetadata', version: 'v1beta1' }, own) as string)).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1beta1', metadata: own.metadata });
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
    expect(writeAnswer(neg, status)).toBe(status);
    expect(writeAnswer(neg, 'text')).toBe('text');
    const noMeta = { kind: 'Thing', spec: {} };
    expect(writeAnswer(neg, noMeta)).toBe(noMeta);
    expect(writeAnswer({ as: 'object' }, own)).toBe(own);
  });
});
