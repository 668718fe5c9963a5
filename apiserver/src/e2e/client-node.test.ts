// @kubernetes/client-node 2.x against a real HTTPS apiserver (memory store, port 0).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
type K8s = typeof k8s;
import { startApiserver } from '../server.ts';
import type { ApiserverHandle } from '../server.ts';
import { noopLogger } from '@kubesim/shared';
import { kubeconfigYaml } from '../auth/kubeconfig.ts';

let api: ApiserverHandle;
let dir: string;
let kc: InstanceType<K8s['KubeConfig']>;
let core: InstanceType<K8s['CoreV1Api']>;
let apps: InstanceType<K8s['AppsV1Api']>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubesim-e2e-'));
  api = await startApiserver({ dataDir: dir, port: 0, store: 'memory', logger: noopLogger });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(api.kubeconfigPath!);
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
  return 200;
}

describe('client-node against kubesim', () => {
  it('creates, reads, updates and deletes a ConfigMap', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cfg' }, data: { a: '1' } } });
    expect(created.metadata?.uid).toBeTruthy();
    const got = await core.readNamespacedConfigMap({ name: 'cfg', namespace: 'default' });
    expect(got.data).toEqual({ a: '1' });
    got.data = { a: '2' };
    const updated = await core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'default', body: got });
    expect(updated.data).toEqual({ a: '2' });
    await core.deleteNamespacedConfigMap({ name: 'cfg', namespace: 'default' });
    expect(await codeOf(core.readNamespacedConfigMap({ name: 'cfg', namespace: 'default' }))).toBe(404);
  });

  it('answers 404, 409 and 422 as Kubernetes does', async () => {
    expect(await codeOf(core.readNamespacedPod({ name: 'nope', namespace: 'default' }))).toBe(404);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } });
    expect(await codeOf(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } }))).toBe(409);
    const cm = await core.readNamespacedConfigMap({ name: 'dup', namespace: 'default' });
    await core.replaceNamespacedConfigMap({ name: 'dup', namespace: 'default', body: { ...cm, data: { x: '1' } } });
    expect(await codeOf(core.replaceNamespacedConfigMap({ name: 'dup', namespace: 'default', body: { ...cm, data: { x: '2' } } }))).toBe(409);
    const bad = apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'bad' }, spec: { replicas: -1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
    });
    expect(await codeOf(bad)).toBe(422);
  });

  it('lists with selectors and pages through continue tokens', async () => {
    for (let i = 0; i < 7; i++) await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `page-${i}`, labels: { group: i % 2 ? 'odd' : 'even' } } } });
    const even = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'group=even' });
    expect(even.items.map((c) => c.metadata?.name)).toEqual(['page-0', 'page-2', 'page-4', 'page-6']);
    const byName = await core.listNamespacedConfigMap({ namespace: 'default', fieldSelector: 'metadata.name=page-3' });
    expect(byName.items).toHaveLength(1);
    const names: string[] = [];
    let cont: string | undefined;
    do {
      const page = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'group in (odd,even)', limit: 2, ...(cont ? { _continue: cont } : {}) });
      names.push(...page.items.map((c) => c.metadata!.name!));
      cont = page.metadata?._continue;
    } while (cont);
    expect(names).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
  });

  it('resumes a watch from a resourceVersion', async () => {
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w1' } } });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w2' } } });
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w3' } } });
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    await new Promise<void>((resolve, reject) => {
      let ctrl: AbortController | undefined;
      watch
        .watch('/api/v1/namespaces/default/configmaps', { resourceVersion: first.metadata!.resourceVersion! }, (type, obj: { metadata?: { name?: string } }) => {
          seen.push(`${type} ${obj.metadata?.name}`);
          if (seen.length === 2) {
            ctrl?.abort();
            resolve();
          }
        }, (err) => {
          if (err && seen.length < 2) reject(err);
        })
        .then((c) => (ctrl = c), reject);
    });
    expect(seen).toEqual(['ADDED w2', 'ADDED w3']);
  });

  it('feeds an informer that sees adds, updates and deletes', async () => {
    const listFn = () => core.listNamespacedSecret({ namespace: 'default' });
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/secrets', listFn);
    const events: string[] = [];
    informer.on('add', (o: { metadata?: { name?: string } }) => events.push(`add ${o.metadata?.name}`));
    informer.on('update', (o: { metadata?: { name?: string } }) => events.push(`update ${o.metadata?.name}`));
    informer.on('delete', (o: { metadata?: { name?: string } }) => events.push(`delete ${o.metadata?.name}`));
    await informer.start();
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's1' }, stringData: { a: 'b' } } });
    await core.patchNamespacedSecret({ name: 's1', namespace: 'default', body: { metadata: { labels: { x: 'y' } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await core.deleteNamespacedSecret({ name: 's1', namespace: 'default' });
    for (let i = 0; i < 100 && events.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    await informer.stop();
    expect(events).toEqual(['add s1', 'update s1', 'delete s1']);
  });

  it('reports a 410 for a watch from a compacted revision', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'old' } } });
    await api.registry.store.compact(api.registry.store.currentRevision());
    const watch = new k8s.Watch(kc);
    const got = await new Promise<unknown>((resolve) => {
      void watch.watch('/api/v1/namespaces/default/configmaps', { resourceVersion: '1' }, (type, obj) => resolve({ type, obj }), (err) => resolve({ err }));
    });
    expect((got as { type: string }).type).toBe('ERROR');
    expect((got as { obj: { code: number } }).obj.code).toBe(410);
  });

  it('reads delete answers as the types client-node declares: V1Status, or the object for pods', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'del-cm' } } });
    const status = await core.deleteNamespacedConfigMap({ name: 'del-cm', namespace: 'default' });
    expect(status).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'del-cm', kind: 'configmaps', uid: cm.metadata!.uid } });
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'del-pod' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    const pod = await core.deleteNamespacedPod({ name: 'del-pod', namespace: 'default' });
    expect(pod.kind).toBe('Pod');
    expect(pod.spec?.containers[0]?.name).toBe('c');
  });

  it('asks SelfSubjectAccessReview and SelfSubjectRulesReview', async () => {
    const authz = kc.makeApiClient(k8s.AuthorizationV1Api);
    const review = await authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } } } });
    expect(review.status?.allowed).toBe(true);
    const rules = await authz.createSelfSubjectRulesReview({ body: { spec: { namespace: 'default' } } });
    expect(rules.status?.resourceRules).toEqual([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]);
    expect(rules.status?.incomplete).toBe(false);
  });

  it('refuses requests without a valid token', async () => {
    const bad = new k8s.KubeConfig();
    bad.loadFromString(kubeconfigYaml({ server: api.url, caCert: api.caCert!, token: 'wrong' }));
    expect(await codeOf(bad.makeApiClient(k8s.CoreV1Api).listNamespace())).toBe(401);
  });
});
