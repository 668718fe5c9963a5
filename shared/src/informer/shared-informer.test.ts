import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { KubeObject } from '../api/meta.ts';
import { resources } from '../api/resources.ts';
import { expired } from '../errors.ts';
import { FakeClient } from '../testing/fake-client.ts';
import { fakeClientHarness, runInformerScenario } from '../testing/informer-scenario.ts';
import type { ScenarioOp, ScenarioSelector } from '../testing/informer-scenario.ts';
import { VirtualClock } from '../virtual-clock.ts';
import { SharedInformerFactory } from './factory.ts';
import { DeletedFinalStateUnknown, SharedInformer, deletionHandlingKey, finalStateOf } from './shared-informer.ts';
import type { ResourceEventHandler } from './shared-informer.ts';
import { metaNamespaceKey } from './store.ts';
import { stripManagedFields } from './transform.ts';

type ConfigMap = KubeObject & { data?: Record<string, string> };
const cm = (namespace: string, name: string, data: Record<string, string> = {}, labels?: Record<string, string>): ConfigMap => ({
  metadata: { namespace, name, ...(labels ? { labels } : {}) },
  data,
});

function recorder(): ResourceEventHandler<ConfigMap> & { events: string[]; mirror: Map<string, string> } {
  const events: string[] = [];
  const mirror = new Map<string, string>();
  return {
    events,
    mirror,
    onAdd: (o) => {
      events.push(`add ${metaNamespaceKey(o)}`);
      mirror.set(metaNamespaceKey(o), o.metadata.resourceVersion!);
    },
    onUpdate: (_old, o) => {
      events.push(`update ${metaNamespaceKey(o)}`);
      mirror.set(metaNamespaceKey(o), o.metadata.resourceVersion!);
    },
    onDelete: (o) => {
      events.push(`${o instanceof DeletedFinalStateUnknown ? 'tombstone' : 'delete'} ${deletionHandlingKey(o)}`);
      mirror.delete(deletionHandlingKey(o));
    },
  };
}

function setup(opts: { resyncPeriod?: number } = {}) {
  const clock = new VirtualClock(1_700_000_000_000);
  const client = new FakeClient({ clock });
  const informer = new SharedInformer<ConfigMap>({ client, clock, type: resources.configmaps, pageSize: 2, ...opts });
  const rec = recorder();
  informer.addEventHandler(rec);
  return { clock, client, informer, rec };
}

describe('SharedInformer', () => {
  it('lists, syncs, then follows the watch', async () => {
    const { clock, client, informer, rec } = setup();
    await client.create(resources.configmaps, cm('a', 'one'));
    await client.create(resources.configmaps, cm('a', 'two'));
    await client.create(resources.configmaps, cm('b', 'three'));
    expect(informer.hasSynced()).toBe(false);
    informer.run();
    expect(await informer.waitForSync()).toBe(true);
    expect(rec.events).toEqual(['add a/one', 'add a/two', 'add b/three']);
    expect(client.calls.list).toBe(2); // pages of 2
    const one: ConfigMap = { ...(await client.get(resources.configmaps, 'one', { namespace: 'a' })), data: { k: 'v' } };
    await client.update(resources.configmaps, one);
    await client.delete(resources.configmaps, 'two', { namespace: 'a' });
    await clock.settle();
    expect(rec.events.slice(3)).toEqual(['update a/one', 'delete a/two']);
    expect(informer.store.get('a/one')?.data).toEqual({ k: 'v' });
    expect(informer.store.byIndex('namespace', 'b')).toHaveLength(1);
    const stopped = informer.stop();
    await clock.runUntilIdle();
    await stopped;
    expect(client.openWatches()).toBe(0);
  });

  it('applies its transform to listed objects, watch events and deleted objects alike', async () => {
    const clock = new VirtualClock(1_700_000_000_000);
    const client = new FakeClient({ clock });
    const managed = { manager: 'kubectl', operation: 'Update' as const, fieldsType: 'FieldsV1' as const, fieldsV1: { 'f:data': {} } };
    const withFields = (name: string): ConfigMap => ({ metadata: { namespace: 'a', name, managedFields: [managed] }, data: { k: name } });
    await client.create(resources.configmaps, withFields('listed'));
    expect((await client.get(resources.configmaps, 'listed', { namespace: 'a' })).metadata.managedFields).toHaveLength(1);
    const informer = new SharedInformer<ConfigMap>({ client, clock, type: resources.configmaps, transform: stripManagedFields });
    const seen: ConfigMap[] = [];
    informer.addEventHandler({ onAdd: (o) => seen.push(o), onUpdate: (_o, n) => seen.push(n), onDelete: (o) => seen.push(finalStateOf(o)) });
    informer.run();
    await informer.waitForSync();
    await client.create(resources.configmaps, withFields('watched'));
    await clock.settle();
    await client.delete(resources.configmaps, 'watched', { namespace: 'a' });
    await clock.settle();
    expect(seen.map((o) => [o.metadata.name, o.data?.['k'], o.metadata.managedFields])).toEqual([
      ['listed', 'listed', undefined],
      ['watched', 'watched', undefined],
      ['watched', 'watched', undefined],
    ]);
    expect(informer.store.get('a/listed')?.metadata.managedFields).toBeUndefined();
    expect(Object.isFrozen(informer.store.get('a/listed'))).toBe(true);
    await informer.stop();
  });

  it('a factory hands its transform to every informer it makes', async () => {
    const clock = new VirtualClock(1_700_000_000_000);
    const client = new FakeClient({ clock });
    await client.create(resources.configmaps, { metadata: { namespace: 'a', name: 'x', managedFields: [{ manager: 'm', operation: 'Update' }] } } as ConfigMap);
    const factory = new SharedInformerFactory({ client, clock, transform: stripManagedFields });
    const informer = factory.forResource<ConfigMap>(resources.configmaps);
    factory.start();
    await factory.waitForCacheSync();
    expect(informer.store.get('a/x')?.metadata).toEqual(expect.objectContaining({ name: 'x' }));
    expect(informer.store.get('a/x')?.metadata.managedFields).toBeUndefined();
    await factory.stop();
  });

  it('an informer asked for with its own transform uses that one instead of the factory\'s', async () => {
    const clock = new VirtualClock(1_700_000_000_000);
    const client = new FakeClient({ clock });
    await client.create(resources.configmaps, cm('a', 'x', { k: 'v' }));
    const factory = new SharedInformerFactory({ client, clock, transform: stripManagedFields });
    const informer = factory.forResource<ConfigMap>(resources.configmaps, { transform: <T extends KubeObject>(o: T): T => ({ metadata: { name: o.metadata.name, namespace: o.metadata.namespace } }) as T });
    factory.start();
    await factory.waitForCacheSync();
    expect(informer.store.get('a/x')).toEqual({ metadata: { name: 'x', namespace: 'a' } });
    await factory.stop();
  });

  it('re-watches from the last resourceVersion after a disconnect, without relisting', async () => {
    const { clock, client, informer, rec } = setup();
    informer.run();
    await informer.waitForSync();
    await client.create(resources.configmaps, cm('a', 'one'));
    await clock.settle();
    client.disconnectWatches();
    await client.create(resources.configmaps, cm('a', 'two'));
    await clock.runUntilIdle({ maxTime: 60_000 });
    expect(rec.events).toEqual(['add a/one', 'add a/two']);
    expect(client.calls.list).toBe(1);
    expect(client.calls.watch).toBeGreaterThanOrEqual(2);
    await informer.stop();
  });

  it('relists after a 410 and turns objects deleted meanwhile into tombstones', async () => {
    const { clock, client, informer, rec } = setup();
    await client.create(resources.configmaps, cm('a', 'one'));
    await client.create(resources.configmaps, cm('a', 'two'));
    informer.run();
    await informer.waitForSync();
    client.disconnectWatches();
    client.failNext('watch', expired('too old resource version: 1 (5)'));
    await client.delete(resources.configmaps, 'one', { namespace: 'a' });
    client.compact();
    await clock.runUntilIdle({ maxTime: 60_000 });
    expect(rec.events).toEqual(['add a/one', 'add a/two', 'update a/two', 'tombstone a/one']);
    expect(client.calls.list).toBeGreaterThanOrEqual(2);
    const tomb = new DeletedFinalStateUnknown('a/one', cm('a', 'one'));
    expect(finalStateOf(tomb).metadata.name).toBe('one');
    await informer.stop();
  });

  it('backs off and retries when listing fails', async () => {
    const { clock, client, informer } = setup();
    client.failNext('list', new Error('connection refused'));
    client.failNext('list', new Error('connection refused'));
    informer.run();
    await clock.advance(799);
    expect(informer.hasSynced()).toBe(false);
    await clock.advance(1 + 1_600);
    expect(informer.hasSynced()).toBe(true);
    await informer.stop();
  });

  it('replays the cache to onUpdate on every resync', async () => {
    const { clock, client, informer, rec } = setup({ resyncPeriod: 30_000 });
    await client.create(resources.configmaps, cm('a', 'one'));
    informer.run();
    await informer.waitForSync();
    await clock.advance(60_000);
    expect(rec.events).toEqual(['add a/one', 'update a/one', 'update a/one']);
    await informer.stop();
  });

  it('gives a handler added late an add for every cached object', async () => {
    const { client, informer } = setup();
    await client.create(resources.configmaps, cm('a', 'one'));
    informer.run();
    await informer.waitForSync();
    const late = recorder();
    informer.addEventHandler(late);
    expect(late.events).toEqual(['add a/one']);
    await informer.stop();
  });

  it('waitForSync answers false when the informer stops first', async () => {
    const { client, informer } = setup();
    client.failNext('list', new Error('down'));
    informer.run();
    const waiting = informer.waitForSync();
    await informer.stop();
    expect(await waiting).toBe(false);
  });

  it('converges to the server state after any interleaving of writes, disconnects and 410s', async () => {
    const keys = ['a/x', 'a/y', 'b/x', 'b/z', 'c/q'];
    const op: fc.Arbitrary<ScenarioOp> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom(...keys), v: fc.nat(9), label: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...keys) }) },
      { weight: 1, arbitrary: fc.constantFrom<ScenarioOp>({ kind: 'disconnect' }, { kind: 'expire' }, { kind: 'compact' }, { kind: 'failList' }, { kind: 'bookmark' }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 5_000 }) }) },
    );
    const selector = fc.constantFrom<ScenarioSelector>({}, { namespace: 'a' }, { labelSelector: 'keep=yes' });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 50 }), selector, async (ops, sel) => {
        const r = await runInformerScenario(fakeClientHarness(new VirtualClock(0)), resources.configmaps, ops, sel);
        expect(r.got).toEqual(r.want);
        expect(r.mirror).toEqual(r.want);
        expect(r.openWatchesAfterStop).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('SharedInformerFactory', () => {
  it('shares one informer per resource and options', async () => {
    const clock = new VirtualClock(0);
    const client = new FakeClient({ clock });
    await client.create(resources.pods, { metadata: { namespace: 'a', name: 'p' } });
    const factory = new SharedInformerFactory({ client, clock });
    const pods = factory.forResource(resources.pods);
    expect(factory.forResource(resources.pods)).toBe(pods);
    expect(factory.forResource(resources.pods, { namespace: 'a' })).not.toBe(pods);
    expect(factory.forResource(resources.nodes, { namespace: 'ignored' })).toBe(factory.forResource(resources.nodes));
    factory.start();
    expect(await factory.waitForCacheSync()).toBe(true);
    expect(pods.store.list()).toHaveLength(1);
    expect(client.calls.watch).toBe(3);
    await factory.stop();
    expect(client.openWatches()).toBe(0);
  });
});
