import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { resources } from '@kubesim/shared';
import { makeRegistry } from '../test-helpers.ts';
import type { Registry } from '../registry/registry.ts';
import { buildApp } from './app.ts';
import { AGGREGATED_V2 } from './discovery.ts';

let registry: Registry;
let app: FastifyInstance;
beforeAll(async () => {
  registry = await makeRegistry();
  app = await buildApp({ registry, maxMutatingInFlight: 200 });
});
afterAll(async () => {
  await app.close();
  await registry.stop();
});

const cm = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });

describe('buildApp discovery', () => {
  it('serves /version with minor 32', async () => {
    const r = await app.inject({ url: '/version' });
    expect(r.json()).toMatchObject({ major: '1', minor: '32' });
    expect(r.json().gitVersion).toMatch(/^v1\.32\.\d+\+kubesim/);
  });

  it('answers aggregated discovery with the exact content type only when asked', async () => {
    const agg = await app.inject({ url: '/apis', headers: { accept: `${AGGREGATED_V2},application/json` } });
    expect(agg.headers['content-type']).toBe(AGGREGATED_V2);
    const apps = agg.json().items.find((i: { metadata: { name: string } }) => i.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((r: { resource: string }) => r.resource === 'deployments');
    expect(deploy).toMatchObject({ scope: 'Namespaced', shortNames: ['deploy'], categories: ['all'] });
    expect(deploy.subresources.find((s: { subresource: string }) => s.subresource === 'scale').responseKind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const legacy = await app.inject({ url: '/apis', headers: { accept: 'application/json' } });
    expect(legacy.json().kind).toBe('APIGroupList');
    const v1 = await app.inject({ url: '/api/v1' });
    const eviction = v1.json().resources.find((r: { name: string }) => r.name === 'pods/eviction');
    expect(eviction).toMatchObject({ group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  });
});

describe('buildApp errors', () => {
  it('answers unknown paths and resources with a 404 Status', async () => {
    for (const url of ['/nope', '/api/v1/widgets', '/apis/apps/v2/deployments', '/api/v1/namespaces/default/nodes']) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(404);
      expect(r.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    }
    const r = await app.inject({ url: '/api/v1/namespaces/default/pods/nope' });
    expect(r.json().message).toBe('pods "nope" not found');
  });

  it('refuses contradictory list options with the 422 of ValidateListOptions, and malformed watch-only ones with a 400', async () => {
    const list = (query: string) => app.inject({ url: `/api/v1/namespaces/default/configmaps?${query}` });
    const one = await list('resourceVersionMatch=Exact');
    expect(one.statusCode).toBe(422);
    expect(one.json()).toMatchObject({
      reason: 'Invalid',
      message: 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
      details: { group: 'meta.k8s.io', kind: 'ListOptions', causes: [{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch' }] },
    });
    const two = await list('resourceVersionMatch=Sometimes');
    expect(two.statusCode).toBe(422);
    expect(two.json().message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, resourceVersionMatch: Unsupported value: "Sometimes": supported values: "Exact", "NotOlderThan", ""]',
    );
    const exactZero = await list('resourceVersion=0&resourceVersionMatch=Exact');
    expect(exactZero.json().message).toContain('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
    const initial = await list('sendInitialEvents=true');
    expect(initial.statusCode).toBe(422);
    expect(initial.json().message).toBe('ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list');
    expect((await list('timeoutSeconds=abc')).statusCode).toBe(400);
    expect((await list('allowWatchBookmarks=maybe')).statusCode).toBe(400);
    expect((await list('timeoutSeconds=5&allowWatchBookmarks=true')).statusCode).toBe(200);
  });

  it('reads a body without Content-Type as JSON and accepts YAML', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/namespaces/default/configmaps', payload: cm('no-ct') });
    expect(r.json().message).toBe(undefined);
    expect(r.statusCode).toBe(201);
    const y = await app.inject({ method: 'POST', url: '/api/v1/namespaces/default/configmaps', payload: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml-cm\n', headers: { 'content-type': 'application/yaml' } });
    expect(y.statusCode).toBe(201);
  });

  it('refuses malformed JSON, a wrong kind, and bodies over 3 MiB', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/v1/namespaces/default/configmaps', payload: '{"metadata":', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    const kind = await app.inject({ method: 'POST', url: '/api/v1/namespaces/default/configmaps', payload: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }), headers: { 'content-type': 'application/json' } });
    expect(kind.statusCode).toBe(400);
    const av = await app.inject({ method: 'POST', url: '/api/v1/namespaces/default/configmaps', payload: JSON.stringify({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } }), headers: { 'content-type': 'application/json' } });
    expect(av.json().message).toBe('the API version in the data (apps/v1) does not match the expected API version (v1)');
    const big = await app.inject({ method: 'POST', url: '/api/v1/namespaces/default/configmaps', payload: JSON.stringify({ metadata: { name: 'big' }, data: { a: 'x'.repeat(3.5 * 1024 * 1024) } }), headers: { 'content-type': 'application/json' } });
    expect(big.statusCode).toBe(413);
    expect(big.json().reason).toBe('RequestEntityTooLarge');
    const deep = await app.inject({ method: 'POST', url: '/api/v1/namespaces/default/configmaps', payload: '['.repeat(5000) + ']'.repeat(5000), headers: { 'content-type': 'application/json' } });
    expect(deep.statusCode).toBe(400);
  });

  it('answers an unsupported patch type with 415', async () => {
    const r = await app.inject({ method: 'PATCH', url: '/api/v1/namespaces/default/configmaps/no-ct', payload: '{}', headers: { 'content-type': 'text/plain' } });
    expect(r.statusCode).toBe(415);
    expect(r.json().reason).toBe('UnsupportedMediaType');
  });

  it('writes nothing on dryRun=All', async () => {
    const before = registry.store.currentRevision();
    const r = await app.inject({ method: 'POST', url: '/api/v1/namespaces/default/configmaps?dryRun=All', payload: cm('dry'), headers: { 'content-type': 'application/json' } });
    expect(r.statusCode).toBe(201);
    expect(registry.store.currentRevision()).toBe(before);
    expect((await app.inject({ url: '/api/v1/namespaces/default/configmaps/dry' })).statusCode).toBe(404);
  });

  it('counts every request, its latency and the requests in flight in /metrics', async () => {
    const counted = await buildApp({ registry, maxMutatingInFlight: 0 });
    const json = { 'content-type': 'application/json' };
    await counted.inject({ method: 'PUT', url: '/api/v1/namespaces/default/configmaps/refused', payload: cm('refused'), headers: json });
    await counted.inject({ url: '/api/v1/namespaces/default/configmaps/missing' });
    await counted.inject({ url: '/api/v1/namespaces/default/configmaps/missing' });
    await counted.inject({ url: '/apis/apps/v1/namespaces/default/deployments' });
    const m = (await counted.inject({ url: '/metrics' })).body;
    expect(m).toContain('apiserver_request_total{verb="GET",resource="configmaps",code="404"} 2');
    expect(m).toContain('apiserver_request_total{verb="LIST",resource="deployments",code="200"} 1');
    expect(m).toContain('apiserver_request_duration_seconds_count{verb="GET",resource="configmaps"} 2');
    // the refused write was never in flight nor counted; the scrape itself is in flight
    expect(m).not.toContain('verb="PUT"');
    expect(m).toContain('apiserver_current_inflight_requests{request_kind="readOnly"} 1');
    expect(m).not.toContain('request_kind="mutating"');
    await counted.close();
  });

  it('sends a 429 with Retry-After past the in-flight limit', async () => {
    const tight = await buildApp({ registry, maxReadInFlight: 0 });
    const r = await tight.inject({ url: '/api/v1/namespaces' });
    expect(r.statusCode).toBe(429);
    expect(r.headers['retry-after']).toBe('1');
    await tight.close();
  });
});

describe('buildApp lists and watches', () => {
  it('returns the list resourceVersion and honours limit/continue', async () => {
    for (let i = 0; i < 5; i++) await registry.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `l${i}`, namespace: 'default', labels: { l: 'yes' } } });
    const r = await app.inject({ url: '/api/v1/namespaces/default/configmaps?labelSelector=l%3Dyes&limit=2' });
    const body = r.json();
    expect(body.kind).toBe('ConfigMapList');
    expect(body.items).toHaveLength(2);
    expect(body.metadata.continue).toBeTruthy();
    const next = await app.inject({ url: `/api/v1/namespaces/default/configmaps?labelSelector=l+in+(yes)&limit=10&continue=${encodeURIComponent(body.metadata.continue)}` });
    expect(next.json().items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['l2', 'l3', 'l4']);
    const unsupported = await app.inject({ url: '/api/v1/pods?fieldSelector=spec.bogus%3Dx' });
    expect(unsupported.statusCode).toBe(400);
    expect(unsupported.json().message).toBe('field label not supported: spec.bogus');
  });

  it('answers an expired continue token with 410', async () => {
    const r = await app.inject({ url: '/api/v1/namespaces/default/configmaps?limit=1' });
    const token = r.json().metadata.continue;
    await registry.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bump', namespace: 'default' } });
    await registry.store.compact(registry.store.currentRevision());
    const e = await app.inject({ url: `/api/v1/namespaces/default/configmaps?limit=1&continue=${encodeURIComponent(token)}` });
    expect(e.statusCode).toBe(410);
    expect(e.json().reason).toBe('Expired');
  });

  it('streams a watch that ends after timeoutSeconds, with an ERROR for a compacted revision', async () => {
    const old = await app.inject({ url: '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2&timeoutSeconds=1' });
    const line = JSON.parse(old.body.split('\n')[0]!);
    expect(line.type).toBe('ERROR');
    expect(line.object.code).toBe(410);
    expect(line.object.message).toMatch(/^too old resource version: 2 \(\d+\)$/);
    const fresh = await app.inject({ url: '/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&labelSelector=l%3Dyes' });
    const events = fresh.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e: { type: string }) => e.type)).toEqual(['ADDED', 'ADDED', 'ADDED', 'ADDED', 'ADDED']);
    expect(events[0].object.kind).toBe('ConfigMap');
    expect(events[0].object.apiVersion).toBe('v1');
  });
});

describe('buildApp big lists', () => {
  it('sends a list of many objects in pieces as the same JSON, with its exact Content-Length', async () => {
    const ns = 'biglist';
    await app.inject({ method: 'POST', url: '/api/v1/namespaces', payload: JSON.stringify({ metadata: { name: ns } }) });
    for (let i = 0; i < 700; i++) {
      await registry.create(resources.configmaps, { metadata: { name: `cm-${String(i).padStart(3, '0')}` }, data: { text: i % 2 ? 'é€ and "quotes"' : 'x'.repeat(200) } } as never, { namespace: ns });
    }
    const r = await app.inject({ url: `/api/v1/namespaces/${ns}/configmaps` });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(Number(r.headers['content-length'])).toBe(r.rawPayload.length);
    const list = r.json();
    expect(list).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1' });
    expect(list.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(Array.from({ length: 700 }, (_, i) => `cm-${String(i).padStart(3, '0')}`));
    expect(list.items[1].data.text).toBe('é€ and "quotes"');
    const paged = await app.inject({ url: `/api/v1/namespaces/${ns}/configmaps?limit=600` });
    expect(paged.json().items).toHaveLength(600);
    expect(paged.json().metadata.continue).toBeTruthy();
    expect(paged.json().metadata.remainingItemCount).toBe(100);
  });
});
