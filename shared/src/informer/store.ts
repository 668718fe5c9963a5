// The informer's cache (client-go's cache.Indexer): objects by key — `namespace/name`,
// or `name` for cluster-scoped objects — plus secondary indexes. An index function maps
// an object to the values it is filed under (pods by `spec.nodeName`, everything by
// namespace); `byIndex('nodeName', 'node-1')` then finds them without a scan.
// Objects are deep-frozen when stored, and the same frozen object is handed to every
// reader: clone before changing. (The store freezes the object it is given, in place.)

import type { KubeObject } from '../api/meta.ts';

export type IndexFunc<T> = (obj: T) => readonly string[];
export type Indexers<T> = Record<string, IndexFunc<T>>;

/** `namespace/name`, or `name` when the object has no namespace */
export function metaNamespaceKey(obj: KubeObject): string {
  const { namespace, name = '' } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

export function splitMetaNamespaceKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export const namespaceIndex = 'namespace';

/** files an object under its namespace (the index every namespaced informer has) */
export function metaNamespaceIndexFunc(obj: KubeObject): string[] {
  return obj.metadata.namespace ? [obj.metadata.namespace] : [];
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') freezeObject(value as object);
  return value;
}

// A frozen object was frozen whole (by this function), so the walk stops there: an object
// shared by two cached objects is frozen once.
function freezeObject(value: object): void {
  if (Object.isFrozen(value)) return;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v !== null && typeof v === 'object') freezeObject(v);
    }
    return;
  }
  const rec = value as Record<string, unknown>;
  for (const k in rec) {
    const v = rec[k];
    if (v !== null && typeof v === 'object') freezeObject(v);
  }
}

/** what informer users may do with the cache: read */
export interface ReadonlyIndexer<T extends KubeObject> {
  get(key: string): T | undefined;
  has(key: string): boolean;
  list(): T[];
  listKeys(): string[];
  /** objects filed under `value` in index `indexName` (throws for an unknown index) */
  byIndex(indexName: string, value: string): T[];
  indexKeys(indexName: string, value: string): string[];
  /** how many objects are filed under `value` in index `indexName` */
  indexCount(indexName: string, value: string): number;
  /** every value index `indexName` has objects under */
  listIndexValues(indexName: string): string[];
  readonly size: number;
}

export class Indexer<T extends KubeObject> implements ReadonlyIndexer<T> {
  readonly #items = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunc<T>>();
  /** index name → value → the objects filed there, by key (byIndex reads them in one pass) */
  readonly #indices = new Map<string, Map<string, Map<string, T>>>();

  constructor(indexers: Indexers<T> = {}) {
    this.addIndexers(indexers);
  }

  get size(): number {
    return this.#items.size;
  }

  /** add indexes (existing objects are filed under them); a name may be added once */
  addIndexers(indexers: Indexers<T>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.#indexers.has(name)) throw new Error(`indexer "${name}" already exists`);
      this.#indexers.set(name, fn);
      this.#indices.set(name, new Map());
      for (const [key, obj] of this.#items) this.#file(name, fn, key, obj);
    }
  }

  /** insert or replace by key; returns the stored (frozen) object */
  upsert(obj: T): T {
    const key = metaNamespaceKey(obj);
    deepFreeze(obj);
    const old = this.#items.get(key);
    if (old) this.#unfileAll(key, old);
    this.#items.set(key, obj);
    for (const [name, fn] of this.#indexers) this.#file(name, fn, key, obj);
    return obj;
  }

  /** remove by key; returns what was stored */
  delete(key: string): T | undefined {
    const old = this.#items.get(key);
    if (old) {
      this.#unfileAll(key, old);
      this.#items.delete(key);
    }
    return old;
  }

  /** replace the whole contents */
  replace(objs: readonly T[]): void {
    this.#items.clear();
    for (const idx of this.#indices.values()) idx.clear();
    for (const o of objs) this.upsert(o);
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  has(key: string): boolean {
    return this.#items.has(key);
  }

  list(): T[] {
    return [...this.#items.values()];
  }

  listKeys(): string[] {
    return [...this.#items.keys()];
  }

  byIndex(indexName: string, value: string): T[] {
    const filed = this.#index(indexName).get(value);
    return filed ? [...filed.values()] : [];
  }

  indexKeys(indexName: string, value: string): string[] {
    const filed = this.#index(indexName).get(value);
    return filed ? [...filed.keys()] : [];
  }

  /** how many objects are filed under `value` (no copy) */
  indexCount(indexName: string, value: string): number {
    return this.#index(indexName).get(value)?.size ?? 0;
  }

  listIndexValues(indexName: string): string[] {
    return [...this.#index(indexName).keys()];
  }

  #index(indexName: string): Map<string, Map<string, T>> {
    const idx = this.#indices.get(indexName);
    if (!idx) throw new Error(`index "${indexName}" does not exist`);
    return idx;
  }

  #file(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const idx = this.#indices.get(name)!;
    const values = fn(obj);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (i > 0 && values.indexOf(v) < i) continue; // filed once per distinct value
      let filed = idx.get(v);
      if (!filed) idx.set(v, (filed = new Map()));
      filed.set(key, obj);
    }
  }

  #unfileAll(key: string, obj: T): void {
    for (const [name, fn] of this.#indexers) {
      const idx = this.#indices.get(name)!;
      for (const v of fn(obj)) {
        const filed = idx.get(v);
        if (!filed) continue;
        filed.delete(key);
        if (filed.size === 0) idx.delete(v);
      }
    }
  }
}
