import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { makeRegistry } from '../test-helpers.ts';
import type { Registry } from '../registry/registry.ts';
import type { AuthorizationAttributes, Authorizer } from '../auth/authorizer.ts';
import { TokenAuthenticator } from '../auth/tokens.ts';
import { buildApp } from './app.ts';
import { AGGREGATED_V2 } from './discovery.ts';

const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const SSRR = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';
const fixture = (name: string): Buffer => readFileSync(new URL(`../protobuf/fixtures/${name}`, import.meta.url));

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

const post = (a: FastifyInstance, url: string, body: object, headers: Record<string, string> = {}) =>
  a.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

describe('SelfSubjectAccessReview', () => {
  it('answers allowed, with a reason, for a resource question', async () => {
    const spec = { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } };
    const r = await post(app, SSAR, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec, status: { allowed: true, reason: 'kubesim authorizes every authenticated user' } });
  });

  it('decodes the protobuf body kubectl auth can-i sends', async () => {
    const r = await app.inject({ method: 'POST', url: SSAR, payload: fixture('selfsubjectaccessreview.pb'), headers: { 'content-type': 'application/vnd.kubernetes.protobuf' } });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } }, status: { allowed: true } });
  });

  it('answers a non-resource question', async () => {
    const r = await post(app, SSAR, { spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } } });
    expect(r.json().status.allowed).toBe(true);
  });

  it('refuses a spec with neither or both kinds of attributes, and metadata, with 422', async () => {
    const none = await post(app, SSAR, { spec: {} });
    expect(none.statusCode).toBe(422);
    expect(none.json()).toMatchObject({
      reason: 'Invalid',
      message: 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      details: { kind: 'SelfSubjectAccessReview', group: 'authorization.k8s.io', causes: [{ field: 'spec.resourceAttributes' }] },
    });
    const both = await post(app, SSAR, { spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { verb: 'get', path: '/' } } });
    expect(both.json().details.causes[0].field).toBe('spec.nonResourceAttributes');
    const named = await post(app, SSAR, { metadata: { name: 'x' }, spec: { resourceAttributes: { verb: 'get' } } });
    expect(named.json().details.causes[0].field).toBe('metadata');
    expect((await post(app, SSAR, { metadata: { creationTimestamp: null }, spec: { resourceAttributes: { verb: 'get' } } })).statusCode).toBe(201);
  });

  it('refuses a wrong kind, a wrongly typed field and an empty body with 400, and GET with 405', async () => {
    expect((await post(app, SSAR, { kind: 'SelfSubjectRulesReview', spec: {} })).statusCode).toBe(400);
    expect((await post(app, SSAR, { spec: { resourceAttributes: { verb: 5 } } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: SSAR })).statusCode).toBe(400);
    expect((await app.inject({ url: SSAR })).statusCode).toBe(405);
    expect((await app.inject({ method: 'POST', url: `/apis/authorization.k8s.io/v1/namespaces/default/selfsubjectaccessreviews`, payload: '{}' })).statusCode).toBe(404);
  });
});

describe('SelfSubjectRulesReview', () => {
  it('lists everything for the allow-all authorizer', async () => {
    const r = await app.inject({ method: 'POST', url: SSRR, payload: fixture('selfsubjectrulesreview.pb'), headers: { 'content-type': 'application/vnd.kubernetes.protobuf' } });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {},
      spec: {},
      status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false },
    });
  });

  it('needs a namespace', async () => {
    const r = await post(app, SSRR, { spec: {} });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toBe('no namespace on request');
  });
});

describe('reviews with a real authorizer and authentication', () => {
  let dir: string;
  let guarded: FastifyInstance;
  const seen: AuthorizationAttributes[] = [];
  // alice may only read pods in "default"; she cannot list her rules
  const authorizer: Authorizer = {
    authorize(a) {
      seen.push(a);
      if (a.resource === 'selfsubjectaccessreviews' || a.resource === 'selfsubjectrulesreviews') return { allowed: true };
      if (a.verb === 'get' && a.resource === 'pods' && a.namespace === 'default') return { allowed: true, reason: 'pod reader' };
      if (a.verb === 'delete') return { allowed: false, denied: true, reason: 'deletes are off' };
      return { allowed: false };
    },
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubesim-reviews-'));
    writeFileSync(join(dir, 'tokens.csv'), 'alice-token,alice,u-alice,"devs"\n');
    guarded = await buildApp({ registry, authenticator: new TokenAuthenticator(join(dir, 'tokens.csv')), authorizer });
  });
  afterAll(async () => {
    await guarded.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const as = { authorization: 'Bearer alice-token' };

  it('asks the authorizer about the caller, per question', async () => {
    const yes = await post(guarded, SSAR, { spec: { resourceAttributes: { namespace: 'default', verb: 'get', resource: 'pods', name: 'web' } } }, as);
    expect(yes.json().status).toEqual({ allowed: true, reason: 'pod reader' });
    expect(seen.at(-1)).toEqual({ user: expect.objectContaining({ username: 'alice', groups: ['devs', 'system:authenticated'] }), verb: 'get', group: '', resource: 'pods', namespace: 'default', name: 'web' });
    const no = await post(guarded, SSAR, { spec: { resourceAttributes: { namespace: 'kube-system', verb: 'get', resource: 'pods' } } }, as);
    expect(no.json().status).toEqual({ allowed: false });
    const denied = await post(guarded, SSAR, { spec: { resourceAttributes: { verb: 'delete', group: 'apps', resource: 'deployments' } } }, as);
    expect(denied.json().status).toEqual({ allowed: false, denied: true, reason: 'deletes are off' });
  });

  it('reports the rules as incomplete when the authorizer cannot list them', async () => {
    const r = await post(guarded, SSRR, { spec: { namespace: 'default' } }, as);
    expect(r.json().status).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: true });
  });

  it('still answers 401 without a known token', async () => {
    expect((await post(guarded, SSAR, { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } })).statusCode).toBe(401);
    expect((await post(guarded, SSRR, { spec: { namespace: 'default' } }, { authorization: 'Bearer nope' })).statusCode).toBe(401);
  });
});

describe('review discovery', () => {
  it('lists both reviews with the verb create, aggregated and legacy', async () => {
    const agg = await app.inject({ url: '/apis', headers: { accept: `${AGGREGATED_V2},application/json` } });
    const group = agg.json().items.find((i: { metadata: { name: string } }) => i.metadata.name === 'authorization.k8s.io');
    expect(group.versions[0].resources.map((r: { resource: string; verbs: string[]; scope: string }) => [r.resource, r.verbs, r.scope])).toEqual([
      ['selfsubjectaccessreviews', ['create'], 'Cluster'],
      ['selfsubjectrulesreviews', ['create'], 'Cluster'],
    ]);
    const legacy = await app.inject({ url: '/apis/authorization.k8s.io/v1' });
    expect(legacy.json().resources).toEqual([
      { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] },
      { name: 'selfsubjectrulesreviews', singularName: 'selfsubjectrulesreview', namespaced: false, kind: 'SelfSubjectRulesReview', verbs: ['create'] },
    ]);
    expect((await app.inject({ url: '/apis/authorization.k8s.io' })).json()).toMatchObject({ kind: 'APIGroup', preferredVersion: { groupVersion: 'authorization.k8s.io/v1' } });
    const whoami = await app.inject({ url: '/apis/authentication.k8s.io/v1' });
    expect(whoami.json().resources[0]).toMatchObject({ name: 'selfsubjectreviews', verbs: ['create'] });
  });
});
