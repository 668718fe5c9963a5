// An object's field set and the value at each of its paths, made in one walk:
// `indexFields(content, definition)` gives toFieldSet's set plus path → value, which
// `valueIn` looks up instead of walking from the root (valueAt). Paths the map cannot vouch
// for (an item with an incomplete or repeated key, a field name holding "\n") are left out,
// and valueIn falls back to valueAt for them. `sameJson` compares values as their sorted-key
// JSON would, without building the strings.

import { keyDefaults, keyElement, shapeOf, valueAt, type ApplyFieldShape, type FieldSet } from './apply-fieldset.ts';
import { isMap, type JsonMap } from './json-map.ts';

export interface FieldIndex {
  /** what toFieldSet gives */
  set: FieldSet;
  /** path → value, for every node of the walk valueAt would resolve to that same value */
  values: Map<string, unknown>;
  /** the paths of `set` that other paths of it lie below (`path\n…`), unless `odd` */
  inner: Set<string>;
  /** `inner` cannot be trusted (sort to find the paths with others below them): a field
   *  name holds a character that sorts at or before "\n", or two list items have one path */
  odd: boolean;
}

export function indexFields(value: JsonMap, definition: string | undefined): FieldIndex {
  const index: FieldIndex = { set: new Set(), values: new Map(), inner: new Set(), odd: false };
  indexMap(value, definition, '', true, index);
  return index;
}

/** the value at `path` of `root`, the object `index` was made of */
export function valueIn(index: FieldIndex, root: unknown, path: string): unknown {
  const v = index.values.get(path);
  return v !== undefined || index.values.has(path) ? v : valueAt(root, path);
}

/** a character that sorts at or before the path separator */
const ODD = /[\u0000-\n]/;

const join = (prefix: string, el: string): string => (prefix === '' ? el : `${prefix}\n${el}`);

function indexMap(value: JsonMap, definition: string | undefined, prefix: string, record: boolean, index: FieldIndex): void {
  for (const field of Object.keys(value)) {
    const v = value[field];
    const path = join(prefix, `f:${field}`);
    // valueAt splits paths at "\n": a field name holding one is not its own element there
    const here = record && !field.includes('\n');
    if (!index.odd && ODD.test(field)) index.odd = true;
    if (here) index.values.set(path, v);
    indexValue(v, shapeOf(definition, field, v), path, here, index);
  }
}

function indexValue(v: unknown, shape: ApplyFieldShape, path: string, record: boolean, index: FieldIndex): void {
  if (shape.kind === 'atomic' || v === null || (isMap(v) && Object.keys(v).length === 0)) {
    index.set.add(path);
    return;
  }
  if (Array.isArray(v)) {
    if (shape.kind === 'set') {
      for (const item of v) {
        const json = JSON.stringify(item);
        const member = `${path}\nv:${json}`;
        // valueAt finds the first member with this JSON (none when it has no JSON)
        if (record && json !== undefined && !index.values.has(member)) index.values.set(member, item);
        index.set.add(member);
      }
      return;
    }
    const keys = shape.keys ?? [];
    // valueAt finds the first item matching a key's JSON: that is the item the key was
    // made of when every item has all its key fields (defaults applied) as plain values
    const keyed = record && v.every((item) => !isMap(item) || hasPlainKeys(item, keys));
    for (const item of v) {
      if (!isMap(item)) continue;
      const itemPath = `${path}\n${keyElement(item, keys)}`;
      // two items of one path merge their fields: a leaf of one may lie below the other's
      if (index.set.has(itemPath)) index.odd = true;
      index.set.add(itemPath);
      const first = keyed && !index.values.has(itemPath);
      if (first) index.values.set(itemPath, item);
      // only an item's fields make paths below its path (keys and set members are JSON,
      // which has no raw control characters)
      const size = index.set.size;
      indexMap(item, shape.type, itemPath, first, index);
      if (index.set.size > size) index.inner.add(itemPath);
    }
    if (v.length === 0) index.set.add(path);
    return;
  }
  if (isMap(v)) {
    indexMap(v, shape.type, path, record, index);
    return;
  }
  index.set.add(path);
}

function hasPlainKeys(item: JsonMap, keys: readonly string[]): boolean {
  for (const k of keys) {
    const v = item[k] ?? keyDefaults[k];
    if (v === undefined || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) return false;
  }
  return true;
}

/**
 * True when the sorted-key JSON of `a` and `b` is the same text: maps compare by their
 * keys (in any order) and values, lists item by item, anything else by its JSON (where
 * undefined, functions and NaN all read `null`).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // two strings that differ have different JSON, and a string's JSON (it starts with a
  // quote) is that of no other value
  if (typeof a === 'string' || typeof b === 'string') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    let i = 0;
    while (i < ka.length && ka[i] === kb[i]) i++;
    if (i < ka.length) {
      // the same keys in another order?
      ka.sort();
      kb.sort();
      for (let j = 0; j < ka.length; j++) if (ka[j] !== kb[j]) return false;
    }
    for (const k of ka) if (!sameJson(a[k], b[k])) return false;
    return true;
  }
  if (Array.isArray(b) || isMap(b)) return false;
  return (JSON.stringify(a) ?? 'null') === (JSON.stringify(b) ?? 'null');
}
