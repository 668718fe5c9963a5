// managedFields of ordinary writes (operation Update: create, update, patch): the writer
// gains the fields whose values it changed, taking them from other managers; fields that
// disappeared leave every manager. Hot (every simulated write): a write that keeps the
// object's shape or grows it (a Lease renewal, a binding, a pod's new status) is recorded on
// the FieldsV1 trees themselves (restamp.ts); others look values up in an indexed walk of
// each side (field-index.ts) and keep a manager's FieldsV1 as it was when its fields did not
// change and it is in canonical form (what fieldsV1From would make).

import { apiVersionOf } from '@kubesim/shared';
import type { KubeObject, ManagedFieldsEntry, ResourceType } from '@kubesim/shared';
import { createdFieldsV1, fieldsV1From, splitPath, type FieldSet } from './apply-fieldset.ts';
import { alwaysPresentStructs } from './field-diff.ts';
import { indexFields, sameJson, valueIn } from './field-index.ts';
import { restampedManagedFields } from './restamp.ts';
import { definitionNameOf } from './strategic-meta.ts';
import { isMap, hasKeys, type JsonMap } from './json-map.ts';

/** the apiVersion of a kind's objects; v1 when the kind is not known */
export const apiVersionOfType = (type: ResourceType | undefined): string => (type ? apiVersionOf(type) : 'v1');

export { alwaysPresentStructs };

/** metadata no manager owns: identity and what the server sets */
const UNOWNED_METADATA = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink', 'generateName']);
const UNOWNED = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/** Fields no manager owns: identity and server-set metadata, and status of the main
 *  resource. The rest, in the object's order (the ownable metadata first). */
export function ownableContent(obj: KubeObject): JsonMap {
  const out: JsonMap = {};
  const metadata = ((obj as KubeObject & JsonMap)['metadata'] ?? {}) as JsonMap;
  let meta: JsonMap | undefined;
  for (const k of Object.keys(metadata)) if (!UNOWNED_METADATA.has(k)) setMember((meta ??= {}), k, metadata[k]);
  if (meta) out['metadata'] = meta;
  for (const k of Object.keys(obj)) if (!UNOWNED.has(k)) setMember(out, k, (obj as KubeObject & JsonMap)[k]);
  return out;
}

/** m[k] = v, also for a member named `__proto__` (a plain assignment would set the prototype) */
function setMember(m: JsonMap, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
  else m[k] = v;
}

/** what a status write may change: status alone */
export function statusContent(obj: KubeObject): JsonMap {
  const status = (obj as KubeObject & JsonMap)['status'];
  return status === undefined ? {} : { status };
}

/**
 * Record an ordinary write by `manager` on a copy of `updated`. A request that rewrites
 * metadata.managedFields itself (kubectl's migration after client-side apply) keeps what it
 * wrote. A write that changes nothing changes nothing here. A `status` subresource write is
 * judged on status alone (the rest of it is the old object).
 */
export function updateManagedFields(
  old: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  operation: 'Update',
  now: string,
  type?: ResourceType,
  subresource?: string,
): KubeObject {
  const result = structuredClone(updated);
  const entries = managedFieldsAfterUpdate(old, updated, manager, operation, now, type, subresource);
  if (entries === undefined) delete result.metadata.managedFields;
  else result.metadata.managedFields = entries;
  return result;
}

interface Manager {
  entry: ManagedFieldsEntry;
  /** its paths in the write's scope (status, or all but status), or all of them when
   *  `outside` is undefined */
  set: FieldSet;
  /** the top-level members of entry.fieldsV1 out of the write's scope, when they are in
   *  canonical form (the write never changes them, so they are kept as they are) */
  outside?: JsonMap;
  /** entry.fieldsV1 is what fieldsV1From gives for all its paths, as long as `set` is not changed */
  canonical: boolean;
  changed: boolean;
}

/** the entries of a new object: its writer owns everything it holds (`content` of it) */
export function createdManagedFields(
  content: JsonMap,
  updated: KubeObject,
  definition: string | undefined,
  manager: string,
  operation: 'Update',
  now: string,
  type?: ResourceType,
  subresource?: string,
): ManagedFieldsEntry[] | undefined {
  const fieldsV1 = createdFieldsV1(content, definition, alwaysPresentStructs);
  if (!Object.keys(fieldsV1).length) return undefined;
  const entry: ManagedFieldsEntry = { manager, operation, apiVersion: updated.apiVersion ?? apiVersionOfType(type), time: now, fieldsType: 'FieldsV1', fieldsV1 };
  if (subresource) entry.subresource = subresource;
  return [entry];
}

/** updateManagedFields without the copy: the managedFields `updated` should carry. The
 *  entries may share parts with `old`'s. */
export function managedFieldsAfterUpdate(
  old: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  operation: 'Update',
  now: string,
  type?: ResourceType,
  subresource?: string,
): ManagedFieldsEntry[] | undefined {
  const given = updated.metadata.managedFields;
  if (old && given !== undefined && !sameJson(given, old.metadata.managedFields ?? [])) return given;
  const definition = type ? definitionNameOf(type) : undefined;
  const content = subresource === 'status' ? statusContent : ownableContent;
  if (!old) return createdManagedFields(content(updated), updated, definition, manager, operation, now, type, subresource);
  const before = content(old);
  const after = content(updated);
  const quick = restampedManagedFields(old, updated, before, after, definition, manager, operation, now, type, subresource);
  if (quick !== null) return quick;
  const afterIndex = indexFields(after, definition);
  const beforeIndex = indexFields(before, definition);
  const afterSet = afterIndex.set;
  const beforeSet = beforeIndex.set;
  // paths of afterSet whose value differs from before: leaves compared by value, inner
  // nodes only when new. Sorted, a path's descendants (`path\n…`) follow it directly.
  const changed: FieldSet = new Set();
  const isChanged = (p: string, leaf: boolean): boolean =>
    leaf ? !beforeSet.has(p) || !sameJson(valueIn(beforeIndex, before, p), valueIn(afterIndex, after, p)) : valueIn(beforeIndex, before, p) === undefined;
  if (!afterIndex.odd) {
    // (the index knows which paths have others below them)
    for (const p of afterSet) if (isChanged(p, !afterIndex.inner.has(p))) changed.add(p);
  } else {
    const sorted = [...afterSet].sort();
    for (let i = 0; i < sorted.length; i++) {
      const p = sorted[i]!;
      const next = sorted[i + 1];
      if (isChanged(p, next === undefined || !next.startsWith(`${p}\n`))) changed.add(p);
    }
  }
  // a node that did not exist before is owned as a whole too (FieldsV1 "."), except the
  // non-pointer structs Go always has (an empty old object already holds `spec: {}`)
  const judged = new Set<string>();
  for (const p of changed) {
    const parts = splitPath(p);
    let prefix = '';
    for (let i = 1; i < parts.length; i++) {
      prefix = i === 1 ? parts[0]! : `${prefix}\n${parts[i - 1]!}`;
      if (alwaysPresentStructs.has(parts[i - 1]!) || judged.has(prefix)) continue;
      judged.add(prefix);
      if (valueIn(beforeIndex, before, prefix) === undefined && isMap(valueIn(afterIndex, after, prefix))) changed.add(prefix);
    }
  }
  const managers = readManagers(old, subresource === 'status');
  let touched = false;
  for (const p of beforeSet) {
    if (afterSet.has(p)) continue;
    touched = true; // a field is gone
    break;
  }
  // a status write can only touch status paths, any other write only the rest
  const statusWrite = subresource === 'status';
  for (const m of managers) {
    const writer = m.entry.manager === manager && m.entry.operation === operation && m.entry.subresource === subresource;
    for (const p of m.set) {
      if ((p === 'f:status' || p.startsWith('f:status\n')) !== statusWrite) continue;
      const vanished = valueIn(afterIndex, after, p) === undefined;
      if (vanished || (!writer && changed.has(p))) {
        m.set.delete(p);
        m.changed = true;
        touched = true;
      }
    }
  }
  if (changed.size === 0 && !touched) return old.metadata.managedFields;
  const apiVersion = updated.apiVersion ?? old.apiVersion ?? apiVersionOfType(type);
  let mine = managers.find((m) => m.entry.manager === manager && m.entry.operation === operation && m.entry.subresource === subresource);
  if (changed.size > 0) {
    if (!mine) {
      const entry: ManagedFieldsEntry = { manager, operation, apiVersion, time: now, fieldsType: 'FieldsV1' };
      if (subresource) entry.subresource = subresource;
      mine = { entry, set: new Set(), canonical: false, changed: true };
      managers.push(mine);
    }
    mine.entry = { ...mine.entry, time: now, apiVersion };
    for (const p of changed) {
      if (mine.set.has(p)) continue;
      mine.set.add(p);
      mine.changed = true;
    }
  }
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers) {
    if (m.set.size === 0 && m.outside === undefined) continue;
    const fieldsV1 = m.canonical && !m.changed ? (m.entry.fieldsV1 as JsonMap) : withOutside(fieldsV1From(m.set), m.outside);
    out.push({ ...m.entry, fieldsType: 'FieldsV1', fieldsV1 });
  }
  return out.length || old.metadata.managedFields ? out : undefined;
}

function readManagers(obj: KubeObject, statusWrite: boolean): Manager[] {
  return (obj.metadata.managedFields ?? []).map((entry) => readScoped(entry, statusWrite) ?? readWhole(entry));
}

function readWhole(entry: ManagedFieldsEntry): Manager {
  const set: FieldSet = new Set();
  const canonical = readFieldsV1(entry.fieldsV1, undefined, set);
  return { entry, set, canonical, changed: false };
}

/**
 * A manager read as readWhole reads it, but only its members in the write's scope made
 * into paths: the others are only checked to be in canonical form and kept aside (for a
 * pod's status write, the spec its creator owns; for a binding, the kubelet's status).
 * Undefined (read it whole) when the root has a "." or a malformed member name, or a member
 * out of scope is not in canonical form.
 */
function readScoped(entry: ManagedFieldsEntry, statusWrite: boolean): Manager | undefined {
  const fields = entry.fieldsV1;
  if (!isMap(fields) || Object.hasOwn(fields, '.')) return undefined;
  const set: FieldSet = new Set();
  let outside: JsonMap | undefined;
  let canonical = true;
  let last: string | undefined;
  for (const el of Object.keys(fields)) {
    if (last !== undefined && !(last < el)) canonical = false;
    last = el;
    const child = fields[el];
    if ((el === 'f:status') !== statusWrite) {
      if (!isCanonicalMember(el, child)) return undefined;
      (outside ??= {})[el] = child;
      continue;
    }
    // one member of the root, as readFieldsV1 reads it; a malformed name could make a
    // path that reaches another member (or the root itself): read it whole then
    if (el.length < 2 || el[1] !== ':' || el.includes('\n')) return undefined;
    if (!isMap(child)) {
      set.add(el);
      canonical = false;
    } else if (!hasKeys(child)) set.add(el);
    else if (!readFieldsV1(child, el, set)) canonical = false;
  }
  return outside === undefined ? { entry, set, canonical, changed: false } : { entry, set, outside, canonical, changed: false };
}

/** whether a member `el: child` below the root is what fieldsV1From makes of its paths
 *  (readFieldsV1's rules, without making the paths) */
function isCanonicalMember(el: string, child: unknown): boolean {
  if (el === '__proto__' || el.length < 2 || el[1] !== ':' || el.includes('\n') || !isMap(child)) return false;
  return !hasKeys(child) || isCanonicalNode(child);
}

function isCanonicalNode(node: JsonMap): boolean {
  let last: string | undefined;
  let children = 0;
  for (const el of Object.keys(node)) {
    if (last !== undefined && !(last < el)) return false;
    last = el;
    const child = node[el];
    if (el === '.') {
      if (!isMap(child) || hasKeys(child)) return false;
      continue;
    }
    children++;
    if (!isCanonicalMember(el, child)) return false;
  }
  return !(last !== undefined && children === 0);
}

/** FieldsV1 of the paths in scope with the members out of scope put back, as fieldsV1From
 *  of all the paths gives it (members of the root are independent, in sorted order) */
function withOutside(inScope: JsonMap, outside: JsonMap | undefined): JsonMap {
  if (outside === undefined) return inScope;
  const keys = [...Object.keys(inScope), ...Object.keys(outside)].sort();
  const out: JsonMap = {};
  for (const k of keys) out[k] = Object.hasOwn(outside, k) ? outside[k] : inScope[k];
  return out;
}

/**
 * fieldSetFrom: the paths of a FieldsV1 tree (`prefix` undefined at its root) into `out`. Returns whether the tree is in the
 * form fieldsV1From gives back for those paths: every node a map with its keys in sorted
 * order, each key "." or a path element (`f:`, `k:`, `v:`, `i:` and no "\n"), "." an empty
 * map, present only beside other children; leaves empty maps.
 */
function readFieldsV1(fields: unknown, prefix: string | undefined, out: FieldSet): boolean {
  if (!isMap(fields)) return false;
  let canonical = true;
  let last: string | undefined;
  let children = 0;
  for (const el of Object.keys(fields)) {
    const child = fields[el];
    if (last !== undefined && !(last < el)) canonical = false;
    last = el;
    if (el === '.') {
      out.add(prefix ?? '');
      if (!isMap(child) || Object.keys(child).length !== 0) canonical = false;
      continue;
    }
    children++;
    if (el.length < 2 || el[1] !== ':' || el.includes('\n')) canonical = false;
    const path = prefix === undefined ? el : `${prefix}\n${el}`;
    if (!isMap(child)) {
      out.add(path);
      canonical = false;
    } else if (Object.keys(child).length === 0) out.add(path);
    else if (!readFieldsV1(child, path, out)) canonical = false;
  }
  // "." alone is a member without children: fieldsV1From writes that as {}
  if (last !== undefined && children === 0) canonical = false;
  return canonical;
}
