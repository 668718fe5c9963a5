// The in-process client's `answer: 'metadata'`: creates, updates and patches (status too)
// resolve to a PartialObjectMetadata with the stored object's metadata, resourceVersion
// included; the metadata is the caller's to change; errors are unchanged.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { isConflict, isNotFound, resources } from '@kubesim/shared';
import type { Client, ConfigMap, PartialObjectMetadata, Pod } from '@kubesim/shared';
import { makeConfigMap, makePod, makeRegistry } from '../test-helpers.ts';
import type { Registry } from './registry.ts';
import { createInProcessClient } from './in-process-client.ts';

let registry: Registry;
let client: Client;
beforeEach(async () => {
  registry = await makeRegistry();
  client = createInProcessClient(registry, { identity: 'system:node:n1' });
});
afterEach(async () => {
  await registry.stop();
});

const partialOf = (metadata: unknown) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata });

describe("createInProcessClient with answer: 'metadata'", () => {
  it('answers a create, an update and a patch with the written object metadata alone', async () => {
    const created: PartialObjectMetadata = await client.create(resources.configmaps, makeConfigMap('a', { x: '1' }) as ConfigMap, { answer: 'metadata' });
    const stored1 = await registry.get(resources.configmaps, 'a', { namespace: 'default' });
    expect(created).toEqual(partialOf(stored1.metadata));

    const updated: PartialObjectMetadata = await client.update(resources.configmaps, { ...(stored1 as ConfigMap), data: { x: '2' } }, { answer: 'metadata' });
    const stored2 = (await registry.get(resources.configmaps, 'a', { namespace: 'default' })) as ConfigMap;
    expect(updated).toEqual(partialOf(stored2.metadata));
    expect(stored2.data).toEqual({ x: '2' });
    expect(stored2.metadata.resourceVersion).not.toBe(stored1.metadata.resourceVersion);

    const patched: PartialObjectMetadata = await client.patch(resources.configmaps, 'a', { data: { y: '3' } }, { type: 'merge', namespace: 'default', answer: 'metadata' });
    const stored3 = (await registry.get(resources.configmaps, 'a', { namespace: 'default' })) as ConfigMap;
    expect(patched).toEqual(partialOf(stored3.metadata));
    expect(stored3.data).toEqual({ x: '2', y: '3' });
  });

  it('answers a pod status patch with the pod metadata, as kubelet-sim asks, the status written', async () => {
    await registry.create(resources.pods, makePod('p', { nodeName: 'n1' }));
    const answer = await client.patch(resources.pods, 'p', { status: { phase: 'Running' } }, { type: 'merge', subresource: 'status', namespace: 'default', answer: 'metadata' });
    const pod = (await registry.get(resources.pods, 'p', { namespace: 'default' })) as Pod;
    expect(answer).toEqual(partialOf(pod.metadata));
    expect(pod.status?.phase).toBe('Running');
    // a write that changes nothing keeps the resourceVersion, and says so
    const again = await client.patch(resources.pods, 'p', { status: { phase: 'Running' } }, { type: 'merge', subresource: 'status', namespace: 'default', answer: 'metadata' });
    expect(again.metadata.resourceVersion).toBe(pod.metadata.resourceVersion);
  });

  it("gives the caller metadata that changing cannot touch what is stored or watched (it may be frozen)", async () => {
    const watch = client.watch(resources.configmaps, { namespace: 'default' });
    const answer = await client.create(resources.configmaps, { ...(makeConfigMap('m') as ConfigMap), metadata: { name: 'm', namespace: 'default', labels: { a: 'b' } } }, { answer: 'metadata' });
    const patched = await client.patch(resources.configmaps, 'm', { metadata: { labels: { c: 'd' } } }, { type: 'merge', namespace: 'default', answer: 'metadata' });
    // (a shared answer is the watchers' own object, deep-frozen: writing into it throws)
    const tryChange = (change: () => void): void => {
      try {
        change();
      } catch (err) {
        expect(err).toBeInstanceOf(TypeError);
      }
    };
    tryChange(() => (answer.metadata.labels!['a'] = 'changed'));
    tryChange(() => (patched.metadata.labels!['c'] = 'changed'));
    tryChange(() => (patched.metadata.name = 'other'));
    const stored = await registry.get(resources.configmaps, 'm', { namespace: 'default' });
    expect(stored.metadata.labels).toEqual({ a: 'b', c: 'd' });
    expect(stored.metadata.name).toBe('m');
    const seen: Array<Record<string, string> | undefined> = [];
    for await (const ev of watch) {
      seen.push(ev.object.metadata.labels);
      if (seen.length === 2) break;
    }
    watch.close();
    expect(seen).toEqual([{ a: 'b' }, { a: 'b', c: 'd' }]);
  });

  it('answers the whole object without the option', async () => {
    const cm: ConfigMap = await client.create(resources.configmaps, makeConfigMap('w', { x: '1' }) as ConfigMap);
    expect(cm.data).toEqual({ x: '1' });
    expect(cm.kind).toBe('ConfigMap');
  });

  it('fails as before', async () => {
    expect(isNotFound(await client.patch(resources.configmaps, 'missing', {}, { type: 'merge', namespace: 'default', answer: 'metadata' }).catch((e: unknown) => e))).toBe(true);
    await registry.create(resources.configmaps, makeConfigMap('c'));
    const stale = { ...(makeConfigMap('c') as ConfigMap), metadata: { name: 'c', namespace: 'default', resourceVersion: '1' } };
    expect(isConflict(await client.update(resources.configmaps, stale, { answer: 'metadata' }).catch((e: unknown) => e))).toBe(true);
  });
});
