// The common cases of an ordinary write, recorded on the FieldsV1 trees themselves, without
// field sets: the object keeps its shape or grows - values of fields change, fields, map
// keys and list items appear or go - as when a kubelet renews its Lease (spec.renewTime),
// reports a heartbeat or a pod's new conditions, or the scheduler binds a pod (spec.nodeName).
// One walk of both objects along the schema finds the changed paths (a trie); one walk of each
// manager's tree along the new object drops what went away or changes hands; the writer's
// tree gains the changed paths. An unchanged tree is kept as it is (a Lease renewal only
// restamps the writer's entry); a changed one is made afresh, sharing nothing with the old.
// `restampedManagedFields` gives the entries then, or gives up (null) where the shape moves
// in ways it does not follow (a leaf becomes a map, a set's members change, list keys repeat
// or are missing, a tree is not in canonical form) and the full bookkeeping of
// update-fields.ts decides; both give the same entries (update-fields.test.ts).

import { apiVersionOf } from '@kubesim/shared';
import type { KubeObject, ManagedFieldsEntry, ResourceType } from '@kubesim/shared';
import { elementValue, sortStrings } from './apply-fieldset.ts';
import { isCanonicalEntries, noteCanonicalEntries } from './canonical-entries.ts';
import { diffFields, GIVE_UP, type ItemsByList, type Trie } from './field-diff.ts';
import { isMap, hasKeys, type JsonMap } from './json-map.ts';

/** one manager's walk: how many changed paths it owns, whether it lost any */
interface ManagerWalk {
  statusWrite: boolean;
  /** the entries are known canonical (canonical-entries.ts): a subtree out of the write's
   *  scope, which the walk would only check and keep, is kept unchecked */
  canonical: boolean;
  writer: boolean;
  owned: number;
  lost: boolean;
  items: ItemsByList;
}

/**
 * managedFieldsAfterUpdate for `before`/`after` (the ownable content of the old and new
 * object, already told apart from a rewrite of managedFields) when the walks above can
 * follow the write; null when they cannot.
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
    const diff = diffFields(before, after, definition);
    const statusWrite = subresource === 'status';
    const entries = old.metadata.managedFields ?? [];
    const canonical = isCanonicalEntries(entries);
    const trees: JsonMap[] = [];
    let touched = diff.vanished;
    let mine = -1;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const writer = e.manager === manager && e.operation === operation && e.subresource === subresource;
      if (writer && mine < 0) mine = i;
      const fields = e.fieldsV1;
      if (!isMap(fields) || Object.hasOwn(fields, '.')) throw GIVE_UP;
      const walk: ManagerWalk = { statusWrite, writer, canonical, owned: 0, lost: false, items: diff.items };
      const kept = walkManager(fields, after, undefined, diff.changed, walk);
      if (walk.lost) touched = true;
      // the writer gains the changed paths it does not own yet
      trees.push(i === mine && walk.owned !== diff.count ? withPaths(kept, diff.changed, true) : (kept ?? {}));
    }
    if (diff.count === 0 && !touched) {
      noteCanonicalEntries(old.metadata.managedFields);
      return old.metadata.managedFields;
    }
    const apiVersion = updated.apiVersion ?? old.apiVersion ?? (type ? apiVersionOf(type) : 'v1');
    const out: ManagedFieldsEntry[] = [];
    for (let i = 0; i < entries.length; i++) {
      const fieldsV1 = trees[i]!;
      if (!hasKeys(fieldsV1)) continue;
      // (one literal: the keys in the order the two spreads of update-fields.ts give)
      out.push(i === mine && diff.count > 0 ? { ...entries[i]!, time: now, apiVersion, fieldsType: 'FieldsV1', fieldsV1 } : { ...entries[i]!, fieldsType: 'FieldsV1', fieldsV1 });
    }
    if (mine < 0 && diff.count > 0) {
      const entry: ManagedFieldsEntry = { manager, operation, apiVersion, time: now, fieldsType: 'FieldsV1' };
      if (subresource) entry.subresource = subresource;
      out.push({ ...entry, fieldsType: 'FieldsV1', fieldsV1: withPaths(undefined, diff.changed, true) });
    }
    if (!out.length && !old.metadata.managedFields) return undefined;
    noteCanonicalEntries(out);
    return out;
  } catch {
    return null; // GIVE_UP, or an error the full bookkeeping meets (and reports) too
  }
}

// ---- the walk of each manager's tree ----

/** the elements a canonical tree holds: a field, a list item by key, a set member, an index */
const isElement = (el: string): boolean => el.length >= 2 && el[1] === ':' && 'fkvi'.includes(el[0]!) && !el.includes('\n');

/**
 * One node of a manager's FieldsV1 (in canonical form, or give up) along the new object:
 * `value` is what the node's path leads to (undefined: gone, or out of the write's scope),
 * `trie` the changed paths below it. Paths in scope that are gone leave the tree, and so
 * do changed ones unless the manager is the writer. Returns the node itself when nothing
 * left it, a fresh copy without what left, or undefined when nothing is left of it.
 */
function walkManager(node: JsonMap, value: unknown, inScope: boolean | undefined, trie: Trie | undefined, walk: ManagerWalk): JsonMap | undefined {
  let last: string | undefined;
  let children = 0;
  let dot = false;
  // the children as they come out, once one of them changed
  let kept: Array<[string, JsonMap]> | undefined;
  const keys = Object.keys(node);
  for (let i = 0; i < keys.length; i++) {
    const el = keys[i]!;
    if (last !== undefined && !(last < el)) throw GIVE_UP;
    last = el;
    const child = node[el];
    if (!isMap(child)) throw GIVE_UP;
    const empty = !hasKeys(child);
    if (el === '.') {
      if (!empty) throw GIVE_UP;
      dot = true;
      kept?.push([el, child]);
      continue;
    }
    children++;
    if (!isElement(el)) throw GIVE_UP;
    // the root's fields say whether a path is a status path
    const scoped = inScope ?? (el === 'f:status') === walk.statusWrite;
    const v = scoped && value !== undefined ? step(value, el, walk.items) : undefined;
    let out: JsonMap | undefined;
    if (scoped && v === undefined) {
      // gone, with everything below it
      assertCanonical(child);
      walk.lost = true;
    } else {
      const t = trie?.children.get(el);
      out = empty || (!scoped && walk.canonical) ? child : walkManager(child, v, scoped, t, walk);
      if (scoped && (empty || '.' in child) && t?.end) {
        if (walk.writer) walk.owned++;
        else {
          // another manager's field changes hands: the node stays only for its children
          walk.lost = true;
          out = out === undefined ? undefined : withoutDot(out);
        }
      }
    }
    if (out !== child && kept === undefined) kept = keys.slice(0, i).map((k) => [k, node[k] as JsonMap]);
    if (kept !== undefined && out !== undefined) kept.push([el, out]);
  }
  if (last !== undefined && children === 0) throw GIVE_UP;
  if (kept === undefined) return node;
  // made afresh: nothing of it is shared with the old tree
  const made: JsonMap = {};
  let left = 0;
  for (const [el, c] of kept) {
    if (el === '.') continue;
    made[el] = c === node[el] ? copyTree(c) : c;
    left++;
  }
  if (left === 0) return dot ? {} : undefined;
  return dot ? { '.': {}, ...made } : made;
}

/** elementValue(value, el), with the items of the keyed lists the diff walk met looked up
 *  by their elements (an element written otherwise, as another JSON of the same key, is
 *  found by elementValue) */
function step(value: unknown, el: string, items: ItemsByList): unknown {
  if (el.charCodeAt(0) === 102 /* f */) {
    const field = fieldOf(el);
    return isMap(value) && field in value ? value[field] : undefined;
  }
  if (el.charCodeAt(0) === 107 /* k */ && Array.isArray(value)) {
    const item = items.get(value)?.get(el);
    if (item !== undefined) return item;
  }
  return elementValue(value, el);
}

/** the field an `f:` element names, remembered for the elements seen first (a bounded set) */
const fields = new Map<string, string>();

function fieldOf(el: string): string {
  let field = fields.get(el);
  if (field === undefined) {
    field = el.slice(2);
    if (fields.size < 4096) fields.set(el, field);
  }
  return field;
}

/** a node no longer a member itself: a fresh copy without its "." when it has other
 *  children, else undefined (nothing left of it) */
function withoutDot(node: JsonMap): JsonMap | undefined {
  let out: JsonMap | undefined;
  for (const k of Object.keys(node)) if (k !== '.') (out ??= {})[k] = copyTree(node[k] as JsonMap);
  return out;
}

/** give up unless a subtree is in canonical form (as walkManager checks it) */
function assertCanonical(node: JsonMap): void {
  let last: string | undefined;
  let children = 0;
  for (const el of Object.keys(node)) {
    if (last !== undefined && !(last < el)) throw GIVE_UP;
    last = el;
    const child = node[el];
    if (!isMap(child)) throw GIVE_UP;
    if (el === '.') {
      if (hasKeys(child)) throw GIVE_UP;
      continue;
    }
    children++;
    if (!isElement(el)) throw GIVE_UP;
    assertCanonical(child);
  }
  if (last !== undefined && children === 0) throw GIVE_UP;
}

function copyTree(node: JsonMap): JsonMap {
  const out: JsonMap = {};
  for (const k of Object.keys(node)) out[k] = copyTree(node[k] as JsonMap);
  return out;
}

/**
 * A canonical tree (`node`, `{}` for none) with the paths of `trie` added, made afresh: a
 * node that is a path and has children gets ".", every node's keys in sorted order ("."
 * sorts before every element).
 */
function withPaths(node: JsonMap | undefined, trie: Trie, root: boolean): JsonMap {
  // the node's own children (sorted, "." first) and the trie's, merged in order
  const own = node === undefined ? [] : Object.keys(node);
  let i = own[0] === '.' ? 1 : 0;
  const added: string[] = [];
  for (const k of trie.children.keys()) added.push(k);
  if (added.length > 1) sortStrings(added);
  let j = 0;
  // (a node of the tree without children is a path; the root never is, here)
  const member = !root && (trie.end || (node !== undefined && (own.length === 0 || i === 1)));
  const out: JsonMap = {};
  if (member && own.length - i + added.length > 0) out['.'] = {};
  while (i < own.length || j < added.length) {
    const a = own[i];
    const b = added[j];
    if (b === undefined || (a !== undefined && a < b)) {
      out[a!] = copyTree(node![a!] as JsonMap);
      i++;
    } else {
      out[b] = withPaths(a === b ? (node![a] as JsonMap) : undefined, trie.children.get(b)!, false);
      if (a === b) i++;
      j++;
    }
  }
  return out;
}
