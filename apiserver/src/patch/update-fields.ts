// managedFields of ordinary writes (operation Update: create, update, patch): the writer
// gains the fields whose values it changed, taking them from other managers; fields that
// disappeared leave every manager. Hot (every simulated write): a write that only changes
// values its writer owns just restamps its entry (restamp.ts); others look values up in an
// indexed walk of each side (field-index.ts) and keep a manager's FieldsV1 as it was when
// its fields did not change and it is in canonical form (what fieldsV1From would make).

import type { KubeObject, ManagedFieldsEntry, ResourceType } from '@kubesim/shared';
import { createdFieldsV1, fieldsV1From, splitPath, type FieldSet } from './apply-fieldset.ts';
import { indexFields, sameJson, valueIn } from './field-index.ts';
import { restampedManagedFields } from './restamp.ts';
import { definitionNameOf } from './strategic-meta.ts';

type JsonMap = Record<string, unknown>;
const isMap = (v: unknown): v is JsonMap => v !== null && typeof v === 'object' && !Array.isArray(v);

/** structs Go always has (non-pointer): never owned as a whole by the write that fills them */
export const alwaysPresentStructs: ReadonlySet<string> = new Set(['f:metadata', 'f:spec', 'f:status', 'f:template', 'f:strategy', 'f:updateStrategy', 'f:jobTemplate', 'f:resources']);

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
function statusContent(obj: KubeObject): JsonMap {
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
  set: FieldSet;
  /** entry.fieldsV1 is what fieldsV1From(set) gives, as long as `set` is not changed */
  canonical: boolean;
  changed: boolean;
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
  if (!old) {
    // a new object: its writer owns everything it holds
    const fieldsV1 = createdFieldsV1(content(updated), definition, alwaysPresentStructs);
    if (!Object.keys(fieldsV1).length) return undefined;
    const entry: ManagedFieldsEntry = { manager, operation, apiVersion: updated.apiVersion ?? apiVersionOfType(type), time: now, fieldsType: 'FieldsV1', fieldsV1 };
    if (subresource) entry.subresource = subresource;
    return [entry];
  }
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
  const sorted = [...afterSet].sort();
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!;
    const next = sorted[i + 1];
    const leaf = next === undefined || !next.startsWith(`${p}\n`);
    if (leaf ? !beforeSet.has(p) || !sameJson(valueIn(beforeIndex, before, p), valueIn(afterIndex, after, p)) : valueIn(beforeIndex, before, p) === undefined) changed.add(p);
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
  const managers = readManagers(old);
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
    if (m.set.size === 0) continue;
    const fieldsV1 = m.canonical && !m.changed ? (m.entry.fieldsV1 as JsonMap) : fieldsV1From(m.set);
    out.push({ ...m.entry, fieldsType: 'FieldsV1', fieldsV1 });
  }
  return out.length || old.metadata.managedFields ? out : undefined;
}

const apiVersionOfType = (type: ResourceType | undefined): string => (type ? (type.group ? `${type.group}/${type.version}` : type.version) : 'v1');

function readManagers(obj: KubeObject): Manager[] {
  return (obj.metadata.managedFields ?? []).map((entry) => {
    const set: FieldSet = new Set();
    const canonical = readFieldsV1(entry.fieldsV1, undefined, set);
    return { entry, set, canonical, changed: false };
  });
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
