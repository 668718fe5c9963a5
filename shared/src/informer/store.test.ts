import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
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

/** the straightforward cache the Indexer must behave as: every write unfiles the old object
 *  under what the index functions say of it now, then files the new one */
class ReferenceIndexer<T extends KubeObject> {
  readonly items = new Map<string, T>();
  readonly fns = new Map<string, (o: T) => readonly string[]>();
  readonly indices = new Map<string, Map<string, Map<string, T>>>();
  addIndexers(indexers: Record<string, (o: T) => readonly string[]>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      this.fns.set(name, fn);
      this.indices.set(name, new Map());
      for (const [key, obj] of this.items) this.file(name, key, obj);
    }
  }
  upsert(obj: T): void {
    const key = metaNamespaceKey(obj);
    const old = this.items.get(key);
    if (old) this.unfile(key, old);
    this.items.set(key, obj);
    for (const name of this.fns.keys()) this.file(name, key, obj);
  }
  delete(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    this.unfile(key, old);
    this.items.delete(key);
  }
  file(name: string, key: string, obj: T): void {
    const idx = this.indices.get(name)!;
    for (const v of new Set(this.fns.get(name)!(obj))) {
      if (!idx.has(v)) idx.set(v, new Map());
      idx.get(v)!.set(key, obj);
    }
  }
  unfile(key: string, obj: T): void {
    for (const [name, fn] of this.fns) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        const filed = idx.get(v);
        if (!filed) continue;
        filed.delete(key);
        if (filed.size === 0) idx.delete(v);
      }
    }
  }
}

describe('Indexer, against the straightforward bookkeeping', () => {
  type Tagged = KubeObject & { spec: { tags: string[] } };
  const byTag = (o: Tagged): string[] => o.spec.tags;
  const byFirstTag = (o: Tagged): string[] => o.spec.tags.slice(0, 1);
  const op = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('upsert' as const), name: fc.constantFrom('a', 'b', 'c', 'd'), ns: fc.constantFrom('x', 'y'), tags: fc.array(fc.constantFrom('t1', 't2', 't3'), { maxLength: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), name: fc.constantFrom('a', 'b', 'c', 'd'), ns: fc.constantFrom('x', 'y') }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('addIndexer' as const) }) },
  );

  it('lists the same objects in the same order, under every index value, in the same order of values', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const store = new Indexer<Tagged>({ [namespaceIndex]: metaNamespaceIndexFunc, tag: byTag });
        const ref = new ReferenceIndexer<Tagged>();
        ref.addIndexers({ [namespaceIndex]: metaNamespaceIndexFunc, tag: byTag });
        let added = false;
        for (const o of ops) {
          if (o.kind === 'upsert') {
            const obj: Tagged = { metadata: { namespace: o.ns, name: o.name }, spec: { tags: o.tags } };
            const before = store.get(metaNamespaceKey(obj));
            expect(store.upsertReplacing(obj)).toBe(before);
            ref.upsert(obj);
          } else if (o.kind === 'delete') {
            store.delete(`${o.ns}/${o.name}`);
            ref.delete(`${o.ns}/${o.name}`);
          } else if (!added) {
            added = true;
            store.addIndexers({ first: byFirstTag });
            ref.addIndexers({ first: byFirstTag });
          }
          expect(store.listKeys()).toEqual([...ref.items.keys()]);
          for (const [name, idx] of ref.indices) {
            expect(store.listIndexValues(name)).toEqual([...idx.keys()]);
            for (const [v, filed] of idx) {
              expect(store.indexKeys(name, v)).toEqual([...filed.keys()]);
              expect(store.byIndex(name, v)).toEqual([...filed.values()]);
              expect(store.indexCount(name, v)).toBe(filed.size);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
