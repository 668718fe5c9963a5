// The changed paths of a write, as a trie: `diffFields(before, after, definition)` walks two
// objects (the ownable content of the old and new object) along the schema's shapes and
// gives the paths of the new object's field set whose values changed or that are new - a
// new node owned as a whole too, as update-fields.ts records it - and whether a path of the
// old one is gone, as toFieldSet and valueAt see them. It throws GIVE_UP where the shape
// moves in ways it does not follow (a leaf becomes a map, a set's members change, list keys
// repeat or are missing, a value is undefined, a field name holds a newline). restamp.ts
// uses it; both are checked against the reference by update-fields.test.ts.

import { fieldElement, keyDefaults, keyElement, shapeOf, type ApplyFieldShape } from './apply-fieldset.ts';
import { sameJson } from './field-index.ts';
import { isMap, hasKeys, type JsonMap } from './json-map.ts';

/** structs Go always has (non-pointer): never owned as a whole by the write that fills them */
export const alwaysPresentStructs: ReadonlySet<string> = new Set(['f:metadata', 'f:spec', 'f:status', 'f:template', 'f:strategy', 'f:updateStrategy', 'f:jobTemplate', 'f:resources']);

/** the walk met something it does not handle: the full bookkeeping decides */
class GiveUp extends Error {}
export const GIVE_UP = new GiveUp();

/** A trie of the changed paths: element → child; `end` marks a changed path. */
export interface Trie {
  end: boolean;
  children: Map<string, Trie>;
}

/** the walk's state: the path it is at, the changed paths it found, and whether a path of
 *  the old object's field set is gone from the new one */
export interface Diff {
  path: string[];
  /** the trie's node of each prefix of `path`, once made */
  nodes: Array<Trie | undefined>;
  changed: Trie;
  count: number;
  vanished: boolean;
  /** the keyed lists of the new object met: each item by its element (unique, whole keys) */
  items: ItemsByList;
}

/** the items of keyed lists by their `k:` element */
export type ItemsByList = Map<unknown[], Map<string, JsonMap>>;

const newTrie = (): Trie => ({ end: false, children: new Map() });

/** the changed paths from `before` to `after` (throws GIVE_UP where it cannot follow) */
export function diffFields(before: JsonMap, after: JsonMap, definition: string | undefined): Diff {
  const diff: Diff = { path: [], nodes: [], changed: newTrie(), count: 0, vanished: false, items: new Map() };
  compareMaps(diff, before, after, definition);
  return diff;
}

function enter(diff: Diff, el: string): void {
  diff.path.push(el);
  diff.nodes.push(undefined);
}

function leave(diff: Diff): void {
  diff.path.pop();
  diff.nodes.pop();
}

/** note the path the walk is at as changed (once) */
function mark(diff: Diff): void {
  let node = diff.changed;
  for (let i = 0; i < diff.path.length; i++) {
    let next = diff.nodes[i];
    if (next === undefined) {
      const el = diff.path[i]!;
      next = node.children.get(el);
      if (!next) node.children.set(el, (next = newTrie()));
      diff.nodes[i] = next;
    }
    node = next;
  }
  if (node.end) return;
  node.end = true;
  diff.count++;
}

/** a field whose presence is judged by `in` elsewhere (valueAt): one Object.prototype
 *  has could be found where the object has none */
const inherited = (field: string): boolean => field in Object.prototype;

/** two maps at one path: compare the fields of both, add the new ones, note the gone ones */
function compareMaps(diff: Diff, b: JsonMap, a: JsonMap, definition: string | undefined): void {
  let shared = 0;
  for (const field of Object.keys(a)) {
    if (field.includes('\n')) throw GIVE_UP;
    const av = a[field];
    if (av === undefined) throw GIVE_UP;
    if (Object.hasOwn(b, field)) {
      shared++;
      const bv = b[field];
      if (bv === undefined) throw GIVE_UP;
      if (av === null || typeof av !== 'object') {
        // a plain value or null: a leaf whatever the field's shape (most fields)
        if (bv !== null && typeof bv === 'object') throw GIVE_UP;
        if (av !== bv && !sameJson(bv, av)) {
          enter(diff, fieldElement(field));
          mark(diff);
          leave(diff);
        }
        continue;
      }
      if (kindOf(av) !== kindOf(bv)) throw GIVE_UP;
      enter(diff, fieldElement(field));
      compareValues(diff, bv, av, shapeOf(definition, field, av));
    } else {
      enter(diff, fieldElement(field));
      if (inherited(field)) throw GIVE_UP;
      addValue(diff, av, shapeOf(definition, field, av));
    }
    leave(diff);
  }
  const gone = Object.keys(b);
  if (gone.length === shared) return;
  for (const field of gone) {
    if (Object.hasOwn(a, field)) continue;
    const bv = b[field];
    if (field.includes('\n') || bv === undefined || inherited(field)) throw GIVE_UP;
    if (hasPaths(bv, shapeOf(definition, field, bv))) diff.vanished = true;
  }
}

/** a leaf of the field set: atomic, null, an empty map, or a plain value */
const isLeaf = (v: unknown, shape: ApplyFieldShape): boolean => shape.kind === 'atomic' || v === null || (isMap(v) && !hasKeys(v));

/** two values at one path (of one kind): the same shape below, grown, or give up */
function compareValues(diff: Diff, bv: unknown, av: unknown, shape: ApplyFieldShape): void {
  const leaf = isLeaf(av, shape);
  if (leaf || isLeaf(bv, shape)) {
    if (leaf !== isLeaf(bv, shape)) throw GIVE_UP;
    if (!sameJson(bv, av)) mark(diff);
    return;
  }
  if (Array.isArray(av) && Array.isArray(bv)) {
    if (shape.kind === 'set') {
      // members are leaves named by their JSON: the same members, nothing changed (a member
      // whose JSON hides a difference, an undefined member, is compared as valueAt finds it)
      if (av.length !== bv.length) throw GIVE_UP;
      for (let i = 0; i < av.length; i++) {
        const json = JSON.stringify(av[i]);
        if (json === undefined || json !== JSON.stringify(bv[i]) || !sameJson(bv[i], av[i])) throw GIVE_UP;
      }
      return;
    }
    // an empty list is a leaf of the set, a full one is not
    if ((av.length === 0) !== (bv.length === 0)) throw GIVE_UP;
    compareItems(diff, bv, av, shape);
    return;
  }
  if (isMap(av) && isMap(bv)) {
    compareMaps(diff, bv, av, shape.type);
    return;
  }
  throw GIVE_UP;
}

/** two lists keyed by `shape.keys`: items of one key compared, new items added, items gone
 *  noted. Every item whole-keyed and each key once, so that a path names exactly its item
 *  (as valueAt finds it) */
function compareItems(diff: Diff, bv: unknown[], av: unknown[], shape: ApplyFieldShape): void {
  const keys = shape.keys ?? [];
  if (keys.length === 0) throw GIVE_UP;
  const byElement = new Map<string, JsonMap>();
  // items usually stay where they were: paired by position while their keys agree
  let olds: Map<string, JsonMap> | undefined;
  let matched = 0;
  for (let i = 0; i < av.length; i++) {
    const ai = av[i];
    if (!isMap(ai) || !hasPlainKeys(ai, keys)) throw GIVE_UP;
    const el = keyElement(ai, keys);
    if (byElement.has(el)) throw GIVE_UP;
    byElement.set(el, ai);
    let bi: JsonMap | undefined;
    if (olds === undefined) {
      const at = bv[i];
      if (at !== undefined && isMap(at) && hasPlainKeys(at, keys) && sameKeyValues(at, ai, keys)) bi = at;
      else olds = itemsByElement(bv, keys);
    }
    if (olds !== undefined) bi = olds.get(el);
    enter(diff, el);
    if (bi !== undefined) {
      matched++;
      compareMaps(diff, bi, ai, shape.type);
    } else {
      mark(diff); // a new item is owned as a whole
      addMap(diff, ai, shape.type);
    }
    leave(diff);
  }
  diff.items.set(av, byElement);
  // every item paired by position, as many as before: the old ones keyed as the new ones
  if (olds === undefined && bv.length === av.length) return;
  olds ??= itemsByElement(bv, keys);
  // an item is a path of the set itself
  if (matched < olds.size) diff.vanished = true;
}

/** a keyed list's items by element, in list order (whole keys, each once, or give up) */
function itemsByElement(list: unknown[], keys: readonly string[]): Map<string, JsonMap> {
  const items = new Map<string, JsonMap>();
  for (const item of list) {
    if (!isMap(item) || !hasPlainKeys(item, keys)) throw GIVE_UP;
    const el = keyElement(item, keys);
    if (items.has(el)) throw GIVE_UP;
    items.set(el, item);
  }
  return items;
}

/** whether two items with plain keys have the same key values (so the same element) */
function sameKeyValues(b: JsonMap, a: JsonMap, keys: readonly string[]): boolean {
  for (const k of keys) if ((b[k] ?? keyDefaults[k]) !== (a[k] ?? keyDefaults[k])) return false;
  return true;
}

/**
 * Mark the paths a new value at the current path brings, as toFieldSet lists them, and the
 * new map nodes above them but for the structs Go always has (owned as a whole: FieldsV1
 * "."). Returns whether it brought any.
 */
function addValue(diff: Diff, v: unknown, shape: ApplyFieldShape): boolean {
  if (isLeaf(v, shape)) {
    mark(diff);
    return true;
  }
  if (Array.isArray(v)) {
    if (shape.kind === 'set') {
      for (const item of v) {
        const json = JSON.stringify(item);
        if (json === undefined) throw GIVE_UP;
        enter(diff, `v:${json}`);
        mark(diff);
        leave(diff);
      }
      return v.length > 0;
    }
    if (v.length === 0) {
      mark(diff);
      return true;
    }
    const keys = shape.keys ?? [];
    if (keys.length === 0) throw GIVE_UP;
    const byElement = itemsByElement(v, keys);
    for (const [el, item] of byElement) {
      enter(diff, el);
      mark(diff);
      addMap(diff, item, shape.type);
      leave(diff);
    }
    diff.items.set(v, byElement);
    return true;
  }
  if (isMap(v)) {
    const brought = addMap(diff, v, shape.type);
    if (brought && !alwaysPresentStructs.has(diff.path[diff.path.length - 1]!)) mark(diff);
    return brought;
  }
  if (v === undefined) throw GIVE_UP;
  mark(diff);
  return true;
}

/** addValue for each field of a new map */
function addMap(diff: Diff, m: JsonMap, definition: string | undefined): boolean {
  let brought = false;
  for (const field of Object.keys(m)) {
    if (field.includes('\n')) throw GIVE_UP;
    const v = m[field];
    enter(diff, fieldElement(field));
    if (addValue(diff, v, shapeOf(definition, field, v))) brought = true;
    leave(diff);
  }
  return brought;
}

/** whether a value gone from the old object held paths of its field set (toFieldSet's rules) */
function hasPaths(v: unknown, shape: ApplyFieldShape): boolean {
  if (isLeaf(v, shape)) return true;
  if (Array.isArray(v)) return shape.kind === 'set' ? v.length > 0 : v.length === 0 || v.some(isMap);
  if (isMap(v)) {
    for (const field of Object.keys(v)) {
      const x = v[field];
      if (hasPaths(x, shapeOf(shape.type, field, x))) return true;
    }
    return false;
  }
  return true;
}

const kindOf = (v: unknown): 'list' | 'map' | 'other' => (Array.isArray(v) ? 'list' : isMap(v) ? 'map' : 'other');

function hasPlainKeys(item: JsonMap, keys: readonly string[]): boolean {
  for (const k of keys) {
    const v = item[k] ?? keyDefaults[k];
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return false;
  }
  return true;
}
