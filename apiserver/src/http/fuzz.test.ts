// Fuzz: generated malformed bodies, content types, paths and query strings never get a
// 5xx, always get a Status for a 4xx, never change the store, and leave the server healthy.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { makeRegistry } from '../test-helpers.ts';
import type { Registry } from '../registry/registry.ts';
import { buildApp } from './app.ts';

let registry: Registry;
let app: FastifyInstance;
beforeAll(async () => {
  registry = await makeRegistry();
  app = await buildApp({ registry });
});
afterAll(async () => {
  await app.close();
  await registry.stop();
});

const collections = ['/api/v1/namespaces/default/configmaps', '/api/v1/namespaces/default/pods', '/apis/apps/v1/namespaces/default/deployments', '/api/v1/nodes', '/api/v1/namespaces', '/api/v1/namespaces/nope/services', '/apis/batch/v1/namespaces/default/jobs'];
const segment = fc.oneof(fc.constantFrom('api', 'apis', 'v1', 'namespaces', 'default', 'pods', 'status', 'watch', '..', '%', '%zz', '%2F', '', 'scale', 'binding', 'finalize', 'eviction', 'log', 'proxy', 'token', 'services', 'serviceaccounts'), fc.string({ maxLength: 12 }));
const path = fc.oneof(
  fc.constantFrom(...collections),
  fc.tuple(fc.constantFrom(...collections), fc.constantFrom('fz-a', 'fz-b%20', 'FZ', 'fz-c/status', 'fz-d/scale', 'fz-e/binding', '%E0%A4%A', 'fz-f/proxy', 'https:fz:443/proxy/x', 'fz:a:b:c/proxy', 'fz-g/token')).map(([c, n]) => `${c}/${n}`),
  fc.array(segment, { maxLength: 8 }).map((s) => '/' + s.join('/')),
);
const queryValue = fc.oneof(fc.constantFrom('true', 'false', '0', '-1', '1e9', 'All', 'Exact', 'NotOlderThan', 'a=b', 'a in (b', '!!', 'metadata.name=x', 'spec.bogus=1', '%', '+', 'bad base64'), fc.string({ maxLength: 10 }));
const query = fc.array(fc.tuple(fc.constantFrom('labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'timeoutSeconds', 'dryRun', 'fieldManager', 'fieldValidation', 'propagationPolicy', 'gracePeriodSeconds', 'orphanDependents', 'includeObject', 'force', 'watch', 'sendInitialEvents', 'allowWatchBookmarks'), queryValue), { maxLength: 4 });
const contentType = fc.constantFrom(undefined, '', 'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'text/plain', 'multipart/form-data; boundary=x', ';;;', 'application/json; charset=utf-16');
const malformedBody = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '[', '{"metadata":', 'null', '[]', '"str"', '123', '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"x"}}', '{"apiVersion":"apps/v1","metadata":{"name":"x"}}', 'k8s\u0000garbage', '- a\n- b', 'a: &x [*x, *x]', ':\n  - ]', '[{"op":"explode","path":"/x"}]', '[{"op":"add","path":"/spec/replicas"}]', '{"metadata":{"name":"UPPER case!"}}', '{"metadata":{"name":"x","namespace":"other"}}'),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.integer({ min: 50, max: 2000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)).filter((s) => !/"name"/.test(s)),
);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');

describe('HTTP fuzz', () => {
  it('never answers 5xx, always with a Status, and never changes the store', async () => {
    const before = registry.store.currentRevision();
    await fc.assert(
      fc.asyncProperty(method, path, query, contentType, malformedBody, async (m, p, q, ct, body) => {
        const qs = q.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const isWatch = q.some(([k, v]) => k === 'watch' && (v === 'true' || v === '1')) || p.includes('/watch/');
        const url = `${p}${qs ? `?${qs}${isWatch ? '&timeoutSeconds=1' : ''}` : ''}`;
        // a bodiless DELETE of a collection would be a legitimate deletecollection: skip it
        if (m === 'DELETE' && !/\/fz-/.test(p)) return;
        const headers: Record<string, string> = {};
        if (ct !== undefined) headers['content-type'] = ct;
        const r = await app.inject({ method: m as 'GET', url, headers, ...(m === 'GET' || m === 'HEAD' ? {} : { payload: body }) });
        expect(r.statusCode, `${m} ${url} ${ct} ${body.slice(0, 60)}`).toBeLessThan(500);
        if (r.statusCode >= 400 && m !== 'HEAD') {
          const s = r.json();
          expect(s.kind).toBe('Status');
          expect(s.code).toBe(r.statusCode);
        }
      }),
      { numRuns: 400, seed: 42 },
    );
    expect(registry.store.currentRevision()).toBe(before);
    expect((await app.inject({ url: '/healthz' })).body).toBe('ok');
    expect((await app.inject({ url: '/api/v1/namespaces' })).statusCode).toBe(200);
  });

  it('never answers 5xx to malformed writes of existing objects', async () => {
    const { resources } = await import('@kubesim/shared');
    await registry.create(resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'fz-svc', namespace: 'default' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
    await registry.create(resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fz-pod', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    await registry.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fz-cm', namespace: 'default' } });
    const targets = ['/api/v1/namespaces/default/services/fz-svc', '/api/v1/namespaces/default/pods/fz-pod', '/api/v1/namespaces/default/pods/fz-pod/status', '/api/v1/namespaces/default/pods/fz-pod/binding', '/api/v1/namespaces/default/configmaps/fz-cm', '/api/v1/namespaces/default/finalize', '/api/v1/namespaces/default/services/fz-svc/status'];
    const shaped = fc.oneof(
      malformedBody,
      fc.record({ spec: fc.jsonValue({ maxDepth: 3 }), status: fc.jsonValue({ maxDepth: 2 }), metadata: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant({ name: 'fz-svc' })) }).map((o) => JSON.stringify(o)),
      fc.array(fc.record({ op: fc.constantFrom('add', 'replace', 'remove', 'move', 'copy', 'test'), path: fc.constantFrom('/spec', '/spec/ports', '/spec/ports/0/nodePort', '/metadata/name', '/status', '/', '', '/spec/containers/-'), value: fc.jsonValue({ maxDepth: 2 }), from: fc.constantFrom('/spec', '/metadata') }), { maxLength: 3 }).map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('PUT', 'PATCH', 'POST'), fc.constantFrom(...targets), contentType, shaped, async (m, p, ct, body) => {
        const headers: Record<string, string> = {};
        if (ct !== undefined) headers['content-type'] = ct;
        const r = await app.inject({ method: m as 'PUT', url: p, headers, payload: body });
        expect(r.statusCode, `${m} ${p} ${ct} ${body.slice(0, 80)} -> ${r.body.slice(0, 200)}`).toBeLessThan(500);
      }),
      { numRuns: 600, seed: 11 },
    );
  });
});
