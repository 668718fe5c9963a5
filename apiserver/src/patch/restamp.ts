// The common case of an ordinary write, recorded without field sets: the object keeps its
// shape (the same fields, list items and keys; only values of fields change) and the writer
// already owns every value it changed, as when a kubelet renews its Lease (spec.renewTime)
// or reports a heartbeat. Then no manager loses a field and the writer's entry is only
// restamped with the time. `restampedManagedFields` gives the entries then, or gives up
// (null) and the full bookkeeping of update-fields.ts decides; both give the same entries.

import { apiVersionOf } from '@kubesim/shared';
import type { KubeObject, ManagedFieldsEntry, ResourceType } from '@kubesim/shared';
import { elementValue, keyDefaults, keyElement, shapeOf, type ApplyFieldShape } from './apply-fieldset.ts';
import { sameJson } from './field-index.ts';

type JsonMap = Record<string, unknown>;
const isMap = (v: unknown): v is JsonMap => v !== null && typeof v === 'object' && !Array.isArray(v);

/** the walk met something it does not handle: the full bookkeeping decides */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

/** A trie of the changed paths: element → child; `end` marks a changed path. */
interface Trie {
  end: boolean;
  children: Map<string, Trie>;
}

/** the walk's state: the path it is at and the changed paths it found */
interface Diff {
  path: string[];
  changed: Trie;
  count: number;
}

/**
 * managedFieldsAfterUpdate for `before`/`after` (the ownable content of the old and new
 * object, already told apart from a rewrite of managedFields) when the write only changed
 * values the writer owns; null when that is not so or not sure.
 */
export function restampedManagedFields(
  old: KubeObject,
  updated: KubeObject,
  before: JsonMap,
  after: JsonMap,
  definition: string | undefined,
  manager: string,
  operation: 'Update',
  now: string,
  type: ResourceType | undefined,
  subresource: string | undefined,
): ManagedFieldsEntry[] | undefined | null {
  try {
    const diff: Diff = { path: [], changed: { end: false, children: new Map() }, count: 0 };
    compareMaps(diff, before, after, definition);
    const statusWrite = subresource === 'status';
    const entries = old.metadata.managedFields ?? [];
    let mine = -1;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const writer = e.manager === manager && e.operation === operation && e.subresource === subresource;
      if (writer && mine < 0) mine = i;
      // every path stays where it is; the writer's (first) entry holds every changed one
      const owned = checkManager(e.fieldsV1, after, statusWrite, diff.changed, writer);
      if (i === mine && owned !== diff.count) throw GIVE_UP;
    }
    if (diff.count === 0) return old.metadata.managedFields;
    if (mine < 0) return null;
    const apiVersion = updated.apiVersion ?? old.apiVersion ?? (type ? apiVersionOf(type) : 'v1');
    const out: ManagedFieldsEntry[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = i === mine ? { ...entries[i]!, time: now, apiVersion } : entries[i]!;
      if (Object.keys(e.fieldsV1 as JsonMap).length > 0) out.push({ ...e, fieldsType: 'FieldsV1', fieldsV1: e.fieldsV1 as JsonMap });
    }
    return out;
  } catch {
    return null; // GIVE_UP, or an error the full bookkeeping meets (and reports) too
  }
}

/** note the path the walk is at as changed */
function mark(diff: Diff): void {
  let node = diff.changed;
  for (const el of diff.path) {
    let next = node.children.get(el);
    if (!next) node.children.set(el, (next = { end: false, children: new Map() }));
    node = next;
  }
  node.end = true;
  diff.count++;
}

/** two maps with the same fields: compare the value of each */
function compareMaps(diff: Diff, b: JsonMap, a: JsonMap, definition: string | undefined): void {
  for (const field of sameKeys(b, a)) {
    if (field.includes('\n')) throw GIVE_UP;
    const av = a[field];
    const bv = b[field];
    if (av === undefined || bv === undefined || kindOf(av) !== kindOf(bv)) throw GIVE_UP;
    diff.path.push(`f:${field}`);
    compareValues(diff, bv, av, shapeOf(definition, field, av));
    diff.path.pop();
  }
}

/** a leaf of the field set: atomic, null, an empty map, or a plain value */
const isLeaf = (v: unknown, shape: ApplyFieldShape): boolean => shape.kind === 'atomic' || v === null || (isMap(v) && Object.keys(v).length === 0);

/** two values at one path (of one kind): the same shape below, or give up */
function compareValues(diff: Diff, bv: unknown, av: unknown, shape: ApplyFieldShape): void {
  const leaf = isLeaf(av, shape);
  if (leaf || isLeaf(bv, shape)) {
    if (leaf !== isLeaf(bv, shape)) throw GIVE_UP;
    if (!sameJson(bv, av)) mark(diff);
    return;
  }
  if (Array.isArray(av) && Array.isArray(bv)) {
    if (av.length !== bv.length) throw GIVE_UP;
    if (shape.kind === 'set') {
      // members are leaves named by their JSON: the same members, nothing changed
      for (let i = 0; i < av.length; i++) {
        const json = JSON.stringify(av[i]);
        if (json === undefined || json !== JSON.stringify(bv[i])) throw GIVE_UP;
      }
      return;
    }
    const keys = shape.keys ?? [];
    if (keys.length === 0) throw GIVE_UP;
    // items keyed alike, in the same order, each key whole and once (so that a path
    // names exactly its item, as valueAt finds it)
    const seen = new Set<string>();
    for (let i = 0; i < av.length; i++) {
      const ai = av[i];
      const bi = bv[i];
      if (!isMap(ai) || !isMap(bi) || !hasPlainKeys(ai, keys) || !hasPlainKeys(bi, keys)) throw GIVE_UP;
      const el = keyElement(ai, keys);
      if (el !== keyElement(bi, keys) || seen.has(el)) throw GIVE_UP;
      seen.add(el);
      diff.path.push(el);
      compareMaps(diff, bi, ai, shape.type);
      diff.path.pop();
    }
    return;
  }
  if (isMap(av) && isMap(bv)) {
    compareMaps(diff, bv, av, shape.type);
    return;
  }
  throw GIVE_UP;
}


/** the fields of two maps when they have the same ones (in any order) */
function sameKeys(b: JsonMap, a: JsonMap): string[] {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) throw GIVE_UP;
  let i = 0;
  while (i < ka.length && ka[i] === kb[i]) i++;
  if (i < ka.length) {
    const sa = [...ka].sort();
    const sb = kb.sort();
    for (let j = 0; j < sa.length; j++) if (sa[j] !== sb[j]) throw GIVE_UP;
  }
  return ka;
}

const kindOf = (v: unknown): 'list' | 'map' | 'other' => (Array.isArray(v) ? 'list' : isMap(v) ? 'map' : 'other');

function hasPlainKeys(item: JsonMap, keys: readonly string[]): boolean {
  for (const k of keys) {
    const v = item[k] ?? keyDefaults[k];
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return false;
  }
  return true;
}

/**
 * Walk one manager's FieldsV1 along the new object: gives up unless the tree is in
 * canonical form (as fieldsV1From makes it, so it can be kept as it is), every path of it
 * in the write's scope (status or not) is still there, and - for a manager other than the
 * writer - none of its paths changed. Returns how many of its paths are changed ones.
 */
function checkManager(fieldsV1: unknown, after: JsonMap, statusWrite: boolean, changed: Trie, writer: boolean): number {
  if (!isMap(fieldsV1)) throw GIVE_UP;
  return walkManager(fieldsV1, after, undefined, changed, statusWrite, writer);
}

/** checkManager below one node: `value` is what the node's path leads to in the new
 *  object (undefined out of scope), `trie` the changed paths below it */
function walkManager(node: JsonMap, value: unknown, inScope: boolean | undefined, trie: Trie | undefined, statusWrite: boolean, writer: boolean): number {
  let owned = 0;
  let last: string | undefined;
  let children = 0;
  for (const el of Object.keys(node)) {
    if (last !== undefined && !(last < el)) throw GIVE_UP;
    last = el;
    const child = node[el];
    if (!isMap(child)) throw GIVE_UP;
    const empty = Object.keys(child).length === 0;
    if (el === '.') {
      if (!empty) throw GIVE_UP;
      continue;
    }
    children++;
    if (el.length < 2 || el[1] !== ':' || el.includes('\n')) throw GIVE_UP;
    // the root's fields say whether a path is a status path
    const scoped = inScope ?? (el === 'f:status') === statusWrite;
    const v = scoped && value !== undefined ? elementValue(value, el) : undefined;
    const t = trie?.children.get(el);
    if (scoped && (empty || '.' in child)) {
      if (v === undefined) throw GIVE_UP; // the path is gone: the full bookkeeping drops it
      if (t?.end) {
        if (!writer) throw GIVE_UP; // another manager's field changes hands
        owned++;
      }
    }
    if (!empty) owned += walkManager(child, v, scoped, t, statusWrite, writer);
  }
  if (last !== undefined && children === 0) throw GIVE_UP;
  return owned;
}
