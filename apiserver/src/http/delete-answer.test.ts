import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { resources } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import { makeConfigMap, makePod, makeRegistry } from '../test-helpers.ts';
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

const del = (url: string, body?: object) =>
  app.inject({ method: 'DELETE', url, ...(body ? { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });

describe('DELETE answers', () => {
  it('answers a Status naming the resource and uid when the object is removed at once', async () => {
    const cm = await registry.create(resources.configmaps, makeConfigMap('gone'));
    const r = await del('/api/v1/namespaces/default/configmaps/gone');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'gone', kind: 'configmaps', uid: cm.metadata.uid } });
    expect((await app.inject({ url: '/api/v1/namespaces/default/configmaps/gone' })).statusCode).toBe(404);
  });

  it('names the API group in the Status of a grouped resource', async () => {
    await registry.create(resources.priorityclasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'pc' }, value: 5 } as KubeObject);
    const r = await del('/apis/scheduling.k8s.io/v1/priorityclasses/pc');
    expect(r.json().details).toMatchObject({ name: 'pc', group: 'scheduling.k8s.io', kind: 'priorityclasses' });
  });

  it('answers the deleted object for kinds whose storage returns it', async () => {
    await registry.create(resources.pods, makePod('loose'));
    const pod = await del('/api/v1/namespaces/default/pods/loose');
    expect(pod.statusCode).toBe(200);
    expect(pod.json()).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'loose' } });
    await registry.create(resources.serviceaccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'default' } } as KubeObject);
    expect((await del('/api/v1/namespaces/default/serviceaccounts/bot')).json()).toMatchObject({ kind: 'ServiceAccount', metadata: { name: 'bot' } });
    await registry.create(resources.storageclasses, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'x' } as KubeObject);
    expect((await del('/apis/storage.k8s.io/v1/storageclasses/fast')).json()).toMatchObject({ kind: 'StorageClass', metadata: { name: 'fast' } });
  });

  it('answers the marked object when a finalizer keeps it, with 202 only for orphanDependents=false', async () => {
    await registry.create(resources.configmaps, { ...makeConfigMap('held'), metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/hold'] } });
    const r = await del('/api/v1/namespaces/default/configmaps/held');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'held', deletionTimestamp: expect.any(String) } });
    await registry.create(resources.configmaps, { ...makeConfigMap('held2'), metadata: { name: 'held2', namespace: 'default', finalizers: ['example.com/hold'] } });
    const accepted = await del('/api/v1/namespaces/default/configmaps/held2', { orphanDependents: false });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json().kind).toBe('ConfigMap');
  });

  it('answers the pod itself while its grace period runs', async () => {
    await registry.create(resources.pods, makePod('placed', { nodeName: 'n1' }));
    const r = await del('/api/v1/namespaces/default/pods/placed');
    expect(r.json()).toMatchObject({ kind: 'Pod', metadata: { deletionGracePeriodSeconds: 30 } });
  });

  it('answers the Terminating namespace', async () => {
    await registry.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as KubeObject);
    const r = await del('/api/v1/namespaces/team');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ kind: 'Namespace', status: { phase: 'Terminating' } });
  });

  it('answers a dry run as the real delete would, and keeps the object', async () => {
    const cm = await registry.create(resources.configmaps, makeConfigMap('kept'));
    const r = await del('/api/v1/namespaces/default/configmaps/kept?dryRun=All');
    expect(r.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'kept', kind: 'configmaps', uid: cm.metadata.uid } });
    expect((await app.inject({ url: '/api/v1/namespaces/default/configmaps/kept' })).statusCode).toBe(200);
    await registry.create(resources.pods, makePod('dry'));
    expect((await del('/api/v1/namespaces/default/pods/dry', { dryRun: ['All'] })).json()).toMatchObject({ kind: 'Pod', metadata: { name: 'dry' } });
    expect((await app.inject({ url: '/api/v1/namespaces/default/pods/dry' })).statusCode).toBe(200);
  });

  it('still answers deletecollection with the list of what it deleted', async () => {
    await registry.create(resources.configmaps, { ...makeConfigMap('c1'), metadata: { name: 'c1', namespace: 'default', labels: { batch: 'x' } } });
    const r = await del('/api/v1/namespaces/default/configmaps?labelSelector=batch%3Dx');
    expect(r.json()).toMatchObject({ kind: 'ConfigMapList', items: [{ metadata: { name: 'c1' } }] });
  });

  it('leaves the in-process registry answering with the object', async () => {
    await registry.create(resources.configmaps, makeConfigMap('inproc'));
    const r = await registry.delete(resources.configmaps, 'inproc', { namespace: 'default' });
    expect(r).toMatchObject({ deleted: true, object: { kind: 'ConfigMap', metadata: { name: 'inproc' } } });
  });
});
