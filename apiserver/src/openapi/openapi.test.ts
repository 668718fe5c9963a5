import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocument, groupVersionPaths } from './document.ts';
import { registerOpenAPI } from './routes.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const app = Fastify();
beforeAll(async () => {
  registerOpenAPI(app);
  await app.ready();
});
afterAll(() => app.close());

describe('buildDocument', () => {
  it('builds a document for every group-version kubesim serves', () => {
    expect(groupVersionPaths()).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/policy/v1']));
    for (const gv of groupVersionPaths()) expect(buildDocument(gv)).toBeDefined();
  });

  const apps = buildDocument('apis/apps/v1') as Json;
  const schemas = apps['components'].schemas as Json;

  it('names components like Kubernetes and tags kinds with their GVK', () => {
    expect(schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    expect(schemas['io.k8s.api.apps.v1.Deployment'].properties.spec).toMatchObject({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }] });
    expect(schemas['io.k8s.api.apps.v1.Deployment'].properties.metadata.allOf[0].$ref).toBe('#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    expect(schemas['io.k8s.api.apps.v1.DeploymentSpec'].required).toEqual(expect.arrayContaining(['selector', 'template']));
    expect(schemas['io.k8s.api.apps.v1.Deployment'].required).toBeUndefined();
  });

  it('describes fields, as kubectl explain prints them', () => {
    const strategy = schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy;
    expect(strategy.description).toBeTruthy();
    expect(strategy['x-kubernetes-patch-strategy']).toBe('retainKeys');
    const target = strategy.allOf[0].$ref.split('/').pop();
    expect(schemas[target].properties.type.description).toBeTruthy();
  });

  it('describes every kind it serves (kubectl explain prints it under DESCRIPTION)', () => {
    for (const gv of groupVersionPaths()) {
      const components = ((buildDocument(gv) as Json)['components'].schemas ?? {}) as Json;
      const kinds = Object.entries(components).filter(([, c]) => (c as Json)['x-kubernetes-group-version-kind'] && !(c as Json).properties?.items);
      expect(kinds.length, gv).toBeGreaterThan(0);
      for (const [name, c] of kinds) expect((c as Json).description, `${gv} ${name}`).toMatch(/^[A-Z].+\.$/);
    }
  });

  it('publishes the strategic merge keys of pod templates', () => {
    const podSpec = schemas['io.k8s.api.core.v1.PodSpec'];
    expect(podSpec.properties.containers['x-kubernetes-patch-merge-key']).toBe('name');
    expect(podSpec.properties.containers['x-kubernetes-patch-strategy']).toBe('merge');
  });

  it('gives every PATCH the fieldValidation parameter, the GVK and the patch content types', () => {
    const patch = apps['paths']['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch.parameters.map((p: Json) => p['name'])).toContain('fieldValidation');
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(Object.keys(patch.requestBody.content)).toEqual(
      expect.arrayContaining(['application/strategic-merge-patch+json', 'application/merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml']),
    );
    expect(apps['paths']['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].get['x-kubernetes-group-version-kind'].kind).toBe('Scale');
  });

  it('puts cluster-scoped resources at the group-version root', () => {
    const core = buildDocument('api/v1') as Json;
    expect(core['paths']['/api/v1/nodes/{name}'].patch).toBeDefined();
    expect(core['paths']['/api/v1/namespaces/{namespace}/pods/{name}/eviction'].post).toBeDefined();
  });
});

describe('registerOpenAPI', () => {
  it('serves the index with hashed URLs that answer immutable documents', async () => {
    const index = await app.inject({ url: '/openapi/v3?timeout=32s' });
    expect(index.statusCode).toBe(200);
    const url = (index.json() as Json)['paths']['apis/apps/v1'].serverRelativeURL as string;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    const doc = await app.inject({ url: `${url}&timeout=32s` });
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['cache-control']).toBe('public, immutable');
    expect((doc.json() as Json)['openapi']).toBe('3.0.0');
    const again = await app.inject({ url, headers: { 'if-none-match': doc.headers['etag'] as string } });
    expect(again.statusCode).toBe(304);
  });

  it('redirects a stale hash and 404s unknown documents', async () => {
    expect((await app.inject({ url: '/openapi/v3/apis/apps/v1?hash=ABC' })).statusCode).toBe(301);
    expect((await app.inject({ url: '/openapi/v3/apis/nope/v1' })).statusCode).toBe(404);
  });

  it('serves an empty v2 document, as protobuf to kubectl and as JSON to others', async () => {
    const json = await app.inject({ url: '/openapi/v2', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual({ swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions: {} });
    const pb = await app.inject({ url: '/openapi/v2', headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    expect(pb.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    // Document{1: "2.0", 2: Info{1: "Kubernetes", 2: "v1.32.0"}}
    expect([...pb.rawPayload]).toEqual([0x0a, 3, ...Buffer.from('2.0'), 0x12, 21, 0x0a, 10, ...Buffer.from('Kubernetes'), 0x12, 7, ...Buffer.from('v1.32.0')]);
  });
});

describe('field validation', () => {
  it('finds unknown fields with Kubernetes paths', async () => {
    const { definitionFor, resources } = await import('@kubesim/shared');
    const { findUnknownFields, strictDecodingError, unknownFieldWarnings, dropUnknownFields } = await import('./field-validation.ts');
    const obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { a: 'b' } },
      spec: { replica: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: {}, spec: { containers: [{ name: 'c', imagee: 'x' }] } } },
    };
    const unknown = findUnknownFields(definitionFor(resources.deployments).schema, obj);
    expect(unknown).toEqual(['spec.replica', 'spec.template.spec.containers[0].imagee']);
    expect(strictDecodingError(resources.deployments, unknown).message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagee"',
    );
    expect(unknownFieldWarnings(['spec.replica'])).toEqual(['299 - "unknown field \\"spec.replica\\""']);
    dropUnknownFields(obj, unknown);
    expect(obj.spec).not.toHaveProperty('replica');
    expect(obj.spec.template.spec.containers[0]).toEqual({ name: 'c' });
  });
});
