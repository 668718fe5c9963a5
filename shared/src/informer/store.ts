// The informer's cache (client-go's cache.Indexer): objects by key — `namespace/name`,
// or `name` for cluster-scoped objects — plus secondary indexes. An index function maps
// an object to the values it is filed under (pods by `spec.nodeName`, everything by
// namespace); `byIndex('nodeName', 'node-1')` then finds them without a scan. It must
// depend on the object only: the values it gave are remembered to unfile the object later.
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
  /** the index functions and their indices, in the order added (for the loops of a write) */
  readonly #fns: IndexFunc<T>[] = [];
  readonly #idxs: Map<string, Map<string, T>>[] = [];
  /** key → the values each index filed the object under (by position in #fns): a write
   *  unfiles the object it replaces without asking the index functions again */
  readonly #filedUnder = new Map<string, (readonly string[])[]>();

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
      const idx = new Map<string, Map<string, T>>();
      this.#indexers.set(name, fn);
      this.#indices.set(name, idx);
      this.#fns.push(fn);
      this.#idxs.push(idx);
      for (const [key, obj] of this.#items) this.#filedUnder.get(key)!.push(file(idx, key, obj, fn(obj)));
    }
  }

  /** insert or replace by key; returns the stored (frozen) object */
  upsert(obj: T): T {
    this.upsertReplacing(obj);
    return obj;
  }

  /** upsert, returning the object it replaced (undefined for a new key) */
  upsertReplacing(obj: T): T | undefined {
    const key = metaNamespaceKey(obj);
    deepFreeze(obj);
    const old = this.#items.get(key);
    this.#items.set(key, obj);
    const fns = this.#fns;
    const filed = old ? this.#filedUnder.get(key)! : [];
    for (let i = 0; i < fns.length; i++) {
      const values = fns[i]!(obj);
      const idx = this.#idxs[i]!;
      const before = old ? filed[i]! : undefined;
      if (before && before.length === 1 && values.length === 1 && before[0] === values[0]) {
        refile(idx, key, obj, values[0]!);
      } else {
        if (before) unfile(idx, key, before);
        file(idx, key, obj, values);
      }
      filed[i] = values;
    }
    if (!old) this.#filedUnder.set(key, filed);
    return old;
  }

  /** remove by key; returns what was stored */
  delete(key: string): T | undefined {
    const old = this.#items.get(key);
    if (old) {
      const filed = this.#filedUnder.get(key)!;
      for (let i = 0; i < filed.length; i++) unfile(this.#idxs[i]!, key, filed[i]!);
      this.#filedUnder.delete(key);
      this.#items.delete(key);
    }
    return old;
  }

  /** replace the whole contents */
  replace(objs: readonly T[]): void {
    this.#items.clear();
    this.#filedUnder.clear();
    for (const idx of this.#idxs) idx.clear();
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
}

// An object moves to the end of each value it is refiled under, and a value refiled after it
// emptied moves to the end of its index: byIndex and listIndexValues list in filing order.

/** file `obj` under each distinct value; returns `values` */
function file<T>(idx: Map<string, Map<string, T>>, key: string, obj: T, values: readonly string[]): readonly string[] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (i > 0 && values.indexOf(v) < i) continue; // filed once per distinct value
    let filed = idx.get(v);
    if (!filed) idx.set(v, (filed = new Map()));
    filed.set(key, obj);
  }
  return values;
}

function unfile<T>(idx: Map<string, Map<string, T>>, key: string, values: readonly string[]): void {
  for (const v of values) {
    const filed = idx.get(v);
    if (!filed) continue;
    filed.delete(key);
    if (filed.size === 0) idx.delete(v);
  }
}

/** unfile then file under the one value `v` it stays under, in one look-up */
function refile<T>(idx: Map<string, Map<string, T>>, key: string, obj: T, v: string): void {
  const filed = idx.get(v)!;
  if (filed.size === 1) {
    // it was alone there: the value empties and comes back, last
    idx.delete(v);
    idx.set(v, filed);
  }
  filed.delete(key);
  filed.set(key, obj);
}
