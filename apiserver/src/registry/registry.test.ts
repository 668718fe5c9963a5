import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { isAlreadyExists, isConflict, isForbidden, isInvalid, isNotFound, resources } from '@kubesim/shared';
import type { KubeObject, WatchEvent } from '@kubesim/shared';
import { makeConfigMap, makeDeployment, makePod, makeRegistry } from '../test-helpers.ts';
import type { Registry } from './registry.ts';
import { createInProcessClient } from './in-process-client.ts';

let registry: Registry;
beforeEach(async () => {
  registry = await makeRegistry();
});
afterEach(async () => {
  await registry.stop();
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('Registry bootstrap', () => {
  it('creates the default namespaces and the kubernetes Service', async () => {
    const ns = await registry.list(resources.namespaces);
    expect(ns.items.map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const svc = await registry.get<KubeObject & { spec: { clusterIP: string } }>(resources.services, 'kubernetes', { namespace: 'default' });
    expect(svc.spec.clusterIP).toBe('10.96.0.1');
  });
});

describe('Registry create/get/update', () => {
  it('fills system fields and refuses a second object of the same name', async () => {
    const cm = await registry.create(resources.configmaps, makeConfigMap('a', { k: 'v' }));
    expect(cm.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(cm.metadata.resourceVersion).toBeDefined();
    expect(cm.metadata.creationTimestamp).toBeDefined();
    expect(isAlreadyExists(await rejection(registry.create(resources.configmaps, makeConfigMap('a'))))).toBe(true);
  });

  it('generates names from generateName', async () => {
    const cm = await registry.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'x-', namespace: 'default' } });
    expect(cm.metadata.name).toMatch(/^x-[a-z0-9]{5}$/);
  });

  it('refuses a stale resourceVersion with 409 and keeps the rv on a no-op update', async () => {
    const cm = await registry.create(resources.configmaps, makeConfigMap('a', { k: 'v' }));
    const same = await registry.update(resources.configmaps, cm);
    expect(same.object.metadata.resourceVersion).toBe(cm.metadata.resourceVersion);
    const changed = await registry.update(resources.configmaps, { ...cm, data: { k: 'w' } });
    expect(changed.object.metadata.resourceVersion).not.toBe(cm.metadata.resourceVersion);
    const err = await rejection(registry.update(resources.configmaps, { ...cm, data: { k: 'x' } }));
    expect(isConflict(err)).toBe(true);
    expect((err as Error).message).toBe('Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('bumps generation on spec changes only and ignores status on the main resource', async () => {
    const d = await registry.create(resources.deployments, makeDeployment('web', 1));
    expect(d.metadata.generation).toBe(1);
    const withStatus = { ...d, status: { replicas: 7 } };
    const r1 = await registry.update(resources.deployments, withStatus);
    expect((r1.object as unknown as { status?: { replicas?: number } }).status?.replicas).toBeUndefined();
    expect(r1.object.metadata.generation).toBe(1);
    const r2 = await registry.patch(resources.deployments, 'web', { spec: { replicas: 3 } }, { type: 'merge', namespace: 'default' });
    expect(r2.object.metadata.generation).toBe(2);
    const r3 = await registry.patch(resources.deployments, 'web', { metadata: { labels: { a: 'b' } } }, { type: 'merge', namespace: 'default' });
    expect(r3.object.metadata.generation).toBe(2);
    const st = await registry.patch(resources.deployments, 'web', { status: { replicas: 3 }, spec: { replicas: 9 } }, { type: 'merge', namespace: 'default', subresource: 'status' });
    expect((st.object as unknown as { status: { replicas: number }; spec: { replicas: number } }).status.replicas).toBe(3);
    expect((st.object as unknown as { spec: { replicas: number } }).spec.replicas).toBe(3);
  });

  it('answers 422 with causes for an invalid object', async () => {
    const err = await rejection(registry.create(resources.deployments, { ...makeDeployment('web'), spec: { replicas: -1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } }));
    expect(isInvalid(err)).toBe(true);
    expect((err as Error).message).toContain('spec.replicas');
  });

  it('applies JSON patches atomically', async () => {
    await registry.create(resources.configmaps, makeConfigMap('a', { k: 'v' }));
    const r = await registry.patch(resources.configmaps, 'a', [{ op: 'add', path: '/data/x', value: '1' }, { op: 'remove', path: '/data/k' }], { type: 'json', namespace: 'default' });
    expect((r.object as unknown as { data: Record<string, string> }).data).toEqual({ x: '1' });
    const err = await rejection(registry.patch(resources.configmaps, 'a', [{ op: 'add', path: '/data/y', value: '1' }, { op: 'test', path: '/data/x', value: 'nope' }], { type: 'json', namespace: 'default' }));
    expect((err as { code: number }).code).toBe(422);
    const after = await registry.get<KubeObject & { data: Record<string, string> }>(resources.configmaps, 'a', { namespace: 'default' });
    expect(after.data).toEqual({ x: '1' });
  });
});

describe('Registry namespaces', () => {
  it('refuses creates into a missing namespace (404) and a terminating one (403)', async () => {
    expect(isNotFound(await rejection(registry.create(resources.configmaps, makeConfigMap('a', {}, 'nope'))))).toBe(true);
    await registry.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    const del = await registry.delete(resources.namespaces, 'team');
    expect(del.deleted).toBe(false);
    expect((del.object as unknown as { status: { phase: string } }).status.phase).toBe('Terminating');
    const err = await rejection(registry.create(resources.configmaps, makeConfigMap('a', {}, 'team')));
    expect(isForbidden(err)).toBe(true);
    expect((err as Error).message).toBe('configmaps "a" is forbidden: unable to create new content in namespace team because it is being terminated');
    await registry.update(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' }, spec: { finalizers: [] } }, { subresource: 'finalize' });
    expect(isNotFound(await rejection(registry.get(resources.namespaces, 'team')))).toBe(true);
  });

  it('never deletes kube-system', async () => {
    expect(isForbidden(await rejection(registry.delete(resources.namespaces, 'kube-system')))).toBe(true);
  });
});

describe('Registry deletion', () => {
  it('deletes unbound pods at once and bound pods gracefully', async () => {
    await registry.create(resources.pods, makePod('a'));
    expect((await registry.delete(resources.pods, 'a', { namespace: 'default' })).deleted).toBe(true);
    await registry.create(resources.pods, makePod('b', { nodeName: 'n1' }));
    const r = await registry.delete(resources.pods, 'b', { namespace: 'default' });
    expect(r.deleted).toBe(false);
    expect(r.object.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(r.object.metadata.deletionTimestamp).toBeDefined();
    const r2 = await registry.delete(resources.pods, 'b', { namespace: 'default', gracePeriodSeconds: 0 });
    expect(r2.deleted).toBe(true);
  });

  it('sets the GC finalizers by propagation policy and removes the object when they are gone', async () => {
    await registry.create(resources.deployments, makeDeployment('web'));
    const r = await registry.delete(resources.deployments, 'web', { namespace: 'default', propagationPolicy: 'Foreground' });
    expect(r.object.metadata.finalizers).toEqual(['foregroundDeletion']);
    const cur = await registry.get(resources.deployments, 'web', { namespace: 'default' });
    await registry.update(resources.deployments, { ...cur, metadata: { ...cur.metadata, finalizers: [] } });
    expect(isNotFound(await rejection(registry.get(resources.deployments, 'web', { namespace: 'default' })))).toBe(true);
  });
});

describe('Registry services', () => {
  it('allocates cluster IPs and node ports without duplicates and frees them on delete', async () => {
    const svc = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { type: 'NodePort', ports: [{ port: 80 }], ...extra } }) as KubeObject;
    const a = (await registry.create(resources.services, svc('a'))) as KubeObject & { spec: { clusterIP: string; ports: Array<{ nodePort: number }> } };
    expect(a.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
    const port = a.spec.ports[0]!.nodePort;
    expect(port).toBeGreaterThanOrEqual(30000);
    const err = await rejection(registry.create(resources.services, svc('b', { ports: [{ port: 80, nodePort: port }] })));
    expect(isInvalid(err)).toBe(true);
    expect((err as Error).message).toContain('provided port is already allocated');
    const err2 = await rejection(registry.create(resources.services, svc('c', { clusterIP: a.spec.clusterIP })));
    expect((err2 as Error).message).toContain('provided IP is already allocated');
    await registry.delete(resources.services, 'a', { namespace: 'default' });
    const d = (await registry.create(resources.services, svc('d', { clusterIP: a.spec.clusterIP, ports: [{ port: 80, nodePort: port }] }))) as typeof a;
    expect(d.spec.clusterIP).toBe(a.spec.clusterIP);
  });
});

describe('Registry list', () => {
  it('filters by label and field selectors and pages with continue tokens', async () => {
    for (let i = 0; i < 10; i++) await registry.create(resources.pods, makePod(`p${i}`, { labels: { n: String(i % 2) }, ...(i < 3 ? { nodeName: 'n1' } : {}) }));
    const odd = await registry.list(resources.pods, { namespace: 'default', labelSelector: 'n=1' });
    expect(odd.items).toHaveLength(5);
    const onNode = await registry.list(resources.pods, { fieldSelector: 'spec.nodeName=n1' });
    expect(onNode.items).toHaveLength(3);
    const names: string[] = [];
    let cont: string | undefined;
    do {
      const page = await registry.list(resources.pods, { namespace: 'default', limit: 3, ...(cont ? { continue: cont } : {}) });
      names.push(...page.items.map((p) => p.metadata.name!));
      cont = page.metadata.continue;
      await registry.create(resources.pods, makePod(`z${names.length}`));
    } while (cont);
    expect(names).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
    const err = await rejection(registry.list(resources.pods, { fieldSelector: 'spec.bogus=1' }));
    expect((err as Error).message).toBe('field label not supported: spec.bogus');
  });
});

describe('Registry watch through the in-process client', () => {
  it('reports objects moving in and out of a selector as ADDED and DELETED', async () => {
    const client = createInProcessClient(registry);
    const list = await client.list(resources.configmaps, { namespace: 'default' });
    const w = client.watch(resources.configmaps, { namespace: 'default', labelSelector: 'pick=yes', resourceVersion: list.metadata.resourceVersion! });
    const events: WatchEvent[] = [];
    const done = (async () => {
      for await (const ev of w) {
        events.push(ev);
        if (events.length === 3) break;
      }
    })();
    const cm = await client.create(resources.configmaps, makeConfigMap('a'));
    const a1 = await client.patch(resources.configmaps, 'a', { metadata: { labels: { pick: 'yes' } } }, { type: 'merge', namespace: 'default' });
    await client.patch(resources.configmaps, 'a', { data: { x: '1' } }, { type: 'merge', namespace: 'default' });
    await client.patch(resources.configmaps, 'a', { metadata: { labels: { pick: 'no' } } }, { type: 'merge', namespace: 'default' });
    await done;
    w.close();
    void cm;
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[0]!.object.metadata.resourceVersion).toBe(a1.metadata.resourceVersion);
    expect(events[0]!.object.kind).toBe('ConfigMap');
  });
});
