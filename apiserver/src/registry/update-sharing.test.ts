// Updates read the stored state without copying it, and may hand the object they wrote to
// the watchers as it is: what a write answers must still be the caller's own (changing it,
// managedFields included, changes nothing stored or watched), and the objects watchers get
// must be what parsing the stored JSON gives.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { KubeObject, WatchEvent } from '@kubesim/shared';
import type { KV } from '@kubesim/store';
import { rememberedJson, withResourceVersion } from './cached-object.ts';
import { objectKey } from './keys.ts';
import { makeDeployment, makePod, makeRegistryAndStore } from '../test-helpers.ts';
import { createInProcessClient } from './in-process-client.ts';
import type { Registry } from './registry.ts';

let registry: Registry;
let store: KV;
beforeEach(async () => {
  ({ registry, store } = await makeRegistryAndStore());
});
afterEach(async () => {
  await registry.stop();
});

/** a watch of pods and deployments kept running, so stored states get parsed and shared */
function watchAll(): { events: WatchEvent[]; stop: () => void } {
  const client = createInProcessClient(registry);
  const events: WatchEvent[] = [];
  const streams = [client.watch(resources.pods, { namespace: 'default' }), client.watch(resources.deployments, { namespace: 'default' })];
  for (const s of streams) {
    void (async () => {
      for await (const ev of s) events.push(ev);
    })();
  }
  return { events, stop: () => streams.forEach((s) => s.close()) };
}

const specOf = (o: KubeObject): unknown => (o as KubeObject & { spec?: unknown }).spec;
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

/** scribble over every map of an object (what a careless caller might do to an answer) */
function scribble(v: unknown): void {
  if (Array.isArray(v)) v.forEach(scribble);
  else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) scribble((v as Record<string, unknown>)[k]);
    (v as Record<string, unknown>)['scribbled'] = true;
  }
}

describe('updates over a shared stored state', () => {
  it('answer objects the caller may change, on every path of the managedFields bookkeeping', async () => {
    const w = watchAll();
    const kubelet = createInProcessClient(registry, { identity: 'system:node:n1' });
    const admin = createInProcessClient(registry);
    await admin.create(resources.pods, makePod('p') as never);
    await settle();
    const answers: KubeObject[] = [];
    const pod = await admin.get(resources.pods, 'p', { namespace: 'default' });
    // a new status (the writer gains fields), then a restamp (it owns every changed value)
    const qosClass = pod.status?.qosClass;
    const s1 = { ...pod, status: { phase: 'Pending', qosClass, conditions: [{ type: 'PodScheduled', status: 'True' }] } };
    answers.push(await kubelet.updateSubresource<KubeObject>(resources.pods, 'p', 'status', s1, { namespace: 'default' }));
    await settle();
    const s2 = { ...answers[0]!, status: { phase: 'Running', qosClass, conditions: [{ type: 'PodScheduled', status: 'True' }] } };
    answers.push(await kubelet.updateSubresource<KubeObject>(resources.pods, 'p', 'status', JSON.parse(JSON.stringify(s2)) as KubeObject, { namespace: 'default' }));
    await settle();
    // a write that changes nothing answers the stored state
    answers.push(await kubelet.updateSubresource<KubeObject>(resources.pods, 'p', 'status', JSON.parse(JSON.stringify(answers[1])) as KubeObject, { namespace: 'default' }));
    expect(answers[2]!.metadata.resourceVersion).toBe(answers[1]!.metadata.resourceVersion);
    // a main-resource write keeps the stored status
    const labelled = await admin.get(resources.pods, 'p', { namespace: 'default' });
    answers.push(await admin.update(resources.pods, { ...labelled, metadata: { ...labelled.metadata, labels: { a: 'b' } } }));
    await settle();
    const stored = JSON.stringify(await admin.get(resources.pods, 'p', { namespace: 'default' }));
    for (const a of answers) scribble(a);
    expect(JSON.stringify(await admin.get(resources.pods, 'p', { namespace: 'default' }))).toBe(stored);
    expect(stored).not.toContain('scribbled');
    w.stop();
  });

  it('gives watchers what parsing the stored state gives', async () => {
    const w = watchAll();
    const cm = createInProcessClient(registry, { identity: 'system:kube-controller-manager' });
    await cm.create(resources.deployments, makeDeployment('web', 1) as never);
    await settle();
    for (let i = 2; i <= 4; i++) {
      const d = await cm.get(resources.deployments, 'web', { namespace: 'default' });
      await cm.update(resources.deployments, { ...d, spec: { ...d.spec, replicas: i } });
      const d2 = await cm.get(resources.deployments, 'web', { namespace: 'default' });
      await cm.updateSubresource(resources.deployments, 'web', 'status', { ...d2, status: { replicas: i, observedGeneration: i } }, { namespace: 'default' });
      await settle();
    }
    const deployments = w.events.filter((e) => e.object.kind === 'Deployment');
    expect(deployments).toHaveLength(7);
    for (const ev of deployments) {
      // the stored JSON at the event's revision, member for member and in the same order
      const rev = Number(ev.object.metadata.resourceVersion);
      const kv = (await store.get(objectKey(resources.deployments, 'default', 'web'), { revision: rev })).kv!;
      expect(JSON.stringify(ev.object)).toBe(withResourceVersion(kv.value, rev));
      expect(Object.isFrozen(specOf(ev.object))).toBe(true);
    }
    // the answers are the caller's own, apart from what the watchers got
    const d = await cm.get(resources.deployments, 'web', { namespace: 'default' });
    const answer = await cm.update(resources.deployments, { ...d, spec: { ...d.spec, replicas: 9 } });
    await settle();
    const event = w.events.at(-1)!.object;
    expect(event.metadata.resourceVersion).toBe(answer.metadata.resourceVersion);
    expect(Object.isFrozen(answer) || Object.isFrozen(specOf(answer))).toBe(false);
    expect(specOf(answer)).not.toBe(specOf(event));
    expect(answer).toEqual(event);
    w.stop();
  });

  it('remembers an answer\'s JSON only for a caller that sends it (answerServedOnly), not for in-process callers', async () => {
    const w = watchAll();
    const client = createInProcessClient(registry);
    const created = await client.create(resources.pods, makePod('r') as never, { namespace: 'default' });
    expect(rememberedJson(created)).toBeUndefined();
    await settle();
    const cur = await client.get<KubeObject>(resources.pods, 'r', { namespace: 'default' });
    const put = await client.update(resources.pods, { ...cur, metadata: { ...cur.metadata, labels: { a: 'b' } } }, { namespace: 'default' });
    expect(rememberedJson(put)).toBeUndefined();
    const patched = await client.patch(resources.pods, 'r', { status: { phase: 'Running' } }, { namespace: 'default', type: 'merge', subresource: 'status' });
    expect(rememberedJson(patched)).toBeUndefined();
    // a caller that sends the JSON still gets it, the resourceVersion spliced in
    const served = await registry.patch(resources.pods, 'r', { metadata: { labels: { c: 'd' } } }, { answerServedOnly: true, namespace: 'default', type: 'merge' });
    const kv = (await store.get(objectKey(resources.pods, 'default', 'r'))).kv!;
    expect(rememberedJson(served.object)).toBe(withResourceVersion(kv.value, kv.modRevision));
    w.stop();
  });

  it('answers a caller that only sends the JSON (answerServedOnly) with the watchers\' own object, whose JSON is the stored one', async () => {
    const w = watchAll();
    const jsonOf = async (name: string): Promise<string> => {
      const kv = (await store.get(objectKey(resources.pods, 'default', name))).kv!;
      return withResourceVersion(kv.value, kv.modRevision);
    };
    const served = { answerServedOnly: true, owned: true, namespace: 'default' };
    const created = await registry.create(resources.pods, makePod('s') as never, { ...served, fieldManager: 'a' });
    expect(rememberedJson(created)).toBe(await jsonOf('s'));
    await settle();
    const cur = await registry.get<KubeObject>(resources.pods, 's', { namespace: 'default' });
    const put = await registry.update(resources.pods, { ...cur, metadata: { ...cur.metadata, labels: { a: 'b' } } }, { ...served, fieldManager: 'b' });
    expect(rememberedJson(put.object)).toBe(await jsonOf('s'));
    const patched = await registry.patch(resources.pods, 's', { status: { phase: 'Running' } }, { answerServedOnly: true, namespace: 'default', type: 'merge', subresource: 'status', fieldManager: 'kubelet' });
    expect(rememberedJson(patched.object)).toBe(await jsonOf('s'));
    await settle();
    // (the very objects the in-process watchers got, frozen by them)
    expect(Object.isFrozen(put.object) && Object.isFrozen(patched.object)).toBe(true);
    // a binding reads nothing of its answer either
    await createInProcessClient(registry).createSubresource(resources.pods, 's', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 's' }, target: { name: 'n1' } }, { namespace: 'default' });
    await settle();
    // the watchers got what parsing the stored states gives
    const events = w.events.filter((e) => e.object.metadata.name === 's');
    expect(events).toHaveLength(4);
    for (const ev of events) {
      const rev = Number(ev.object.metadata.resourceVersion);
      const kv = (await store.get(objectKey(resources.pods, 'default', 's'), { revision: rev })).kv!;
      expect(JSON.stringify(ev.object)).toBe(withResourceVersion(kv.value, rev));
    }
    expect(JSON.parse(await jsonOf('s')).spec.nodeName).toBe('n1');
    w.stop();
  });
});
