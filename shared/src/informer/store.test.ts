import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../api/meta.ts';
import { Indexer, metaNamespaceKey, namespaceIndex, metaNamespaceIndexFunc, splitMetaNamespaceKey } from './store.ts';

type Pod = KubeObject & { spec: { nodeName?: string; containers: { name: string }[] } };
const makePod = (namespace: string, name: string, nodeName?: string): Pod => ({
  metadata: { namespace, name },
  spec: { containers: [{ name: 'c' }], ...(nodeName ? { nodeName } : {}) },
});
const byNode = (p: Pod): string[] => (p.spec.nodeName ? [p.spec.nodeName] : []);

describe('Indexer', () => {
  it('keys namespaced objects ns/name and cluster objects by name', () => {
    expect(metaNamespaceKey(makePod('default', 'web'))).toBe('default/web');
    expect(metaNamespaceKey({ metadata: { name: 'node-1' } })).toBe('node-1');
    expect(splitMetaNamespaceKey('default/web')).toEqual({ namespace: 'default', name: 'web' });
    expect(splitMetaNamespaceKey('node-1')).toEqual({ name: 'node-1' });
  });

  it('finds pods by node through an index and keeps the index current', () => {
    const store = new Indexer<Pod>({ nodeName: byNode, [namespaceIndex]: metaNamespaceIndexFunc });
    store.upsert(makePod('a', 'p1', 'n1'));
    store.upsert(makePod('a', 'p2', 'n2'));
    store.upsert(makePod('b', 'p3', 'n1'));
    store.upsert(makePod('b', 'p4'));
    expect(store.byIndex('nodeName', 'n1').map(metaNamespaceKey).sort()).toEqual(['a/p1', 'b/p3']);
    store.upsert(makePod('a', 'p1', 'n2'));
    expect(store.byIndex('nodeName', 'n1').map(metaNamespaceKey)).toEqual(['b/p3']);
    store.delete('b/p3');
    expect(store.byIndex('nodeName', 'n1')).toEqual([]);
    expect(store.listIndexValues('nodeName')).toEqual(['n2']);
    expect(store.byIndex(namespaceIndex, 'b').map(metaNamespaceKey)).toEqual(['b/p4']);
    expect(() => store.byIndex('nope', 'x')).toThrow(/does not exist/);
  });

  it('indexes existing objects when an indexer is added later', () => {
    const store = new Indexer<Pod>();
    store.upsert(makePod('a', 'p1', 'n1'));
    store.addIndexers({ nodeName: byNode });
    expect(store.indexKeys('nodeName', 'n1')).toEqual(['a/p1']);
  });

  it('deep-freezes stored objects', () => {
    const store = new Indexer<Pod>();
    const stored = store.upsert(makePod('a', 'p1', 'n1'));
    expect(Object.isFrozen(stored.spec.containers[0])).toBe(true);
    expect(() => {
      (store.get('a/p1') as Pod).spec.nodeName = 'x';
    }).toThrow(TypeError);
  });

  it('replace swaps the whole contents and its indexes', () => {
    const store = new Indexer<Pod>({ nodeName: byNode });
    store.upsert(makePod('a', 'p1', 'n1'));
    store.replace([makePod('a', 'p2', 'n2')]);
    expect(store.listKeys()).toEqual(['a/p2']);
    expect(store.byIndex('nodeName', 'n1')).toEqual([]);
    expect(store.size).toBe(1);
  });
});
