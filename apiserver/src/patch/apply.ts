// Server-side apply and managedFields. `serverSideApply` merges an applied configuration into
// the live object for a field manager: the manager then owns exactly the fields it applied;
// fields it applied before and left out now are removed unless another manager owns them;
// changing a field another manager owns is a 409 Conflict unless `force` (which takes it
// over). `updateManagedFields` records ordinary writes (operation Update): the writer gains
// the fields it changed, taking them from other managers. Simplified from structured-merge-
// diff: schema knowledge comes from strategic-meta.ts; unknown lists are atomic.

import { failure, type KubeObject, type ManagedFieldsEntry, type ResourceType } from '@kubesim/shared';
import { definitionNameOf } from './strategic-meta.ts';
import {
  createdFieldsV1,
  fieldSetFrom,
  fieldsV1From,
  isWithin,
  keyElement,
  prettyPath,
  shapeOf,
  splitPath,
  toFieldSet,
  valueAt,
  type FieldSet,
} from './apply-fieldset.ts';

type JsonMap = Record<string, unknown>;
const isMap = (v: unknown): v is JsonMap => v !== null && typeof v === 'object' && !Array.isArray(v);

const alwaysPresentStructs = new Set(['f:metadata', 'f:spec', 'f:status', 'f:template', 'f:strategy', 'f:updateStrategy', 'f:jobTemplate', 'f:resources']);

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Fields no manager owns: identity and server-set metadata, and status of the main resource. */
function ownableContent(obj: KubeObject): JsonMap {
  const { apiVersion: _v, kind: _k, metadata, status: _s, ...rest } = obj as KubeObject & JsonMap;
  const {
    name: _n,
    namespace: _ns,
    uid: _u,
    resourceVersion: _rv,
    generation: _g,
    creationTimestamp: _c,
    deletionTimestamp: _d,
    deletionGracePeriodSeconds: _dg,
    managedFields: _mf,
    selfLink: _sl,
    generateName: _gn,
    ...ownableMeta
  } = (metadata ?? {}) as JsonMap;
  return Object.keys(ownableMeta).length ? { metadata: ownableMeta, ...rest } : rest;
}

interface Manager {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

function readManagers(obj: KubeObject | undefined): Manager[] {
  return (obj?.metadata.managedFields ?? []).map((entry) => ({ entry, set: fieldSetFrom(entry.fieldsV1) }));
}

function writeManagers(managers: Manager[]): ManagedFieldsEntry[] {
  return managers
    .filter((m) => m.set.size > 0)
    .map((m) => ({ ...m.entry, fieldsType: 'FieldsV1' as const, fieldsV1: fieldsV1From(m.set) }));
}

const sameJson = (a: unknown, b: unknown): boolean => stableJson(a) === stableJson(b);

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isMap(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function managerLabel(entry: ManagedFieldsEntry): string {
  const sub = entry.subresource ? ` with subresource "${entry.subresource}"` : '';
  return `"${entry.manager ?? ''}"${sub} using ${entry.apiVersion ?? ''}`;
}

function conflictError(type: ResourceType, name: string, conflicts: Array<{ manager: ManagedFieldsEntry; path: string }>): Error {
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const label = managerLabel(c.manager);
    byManager.set(label, [...(byManager.get(label) ?? []), prettyPath(c.path)]);
  }
  const parts = [...byManager.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, paths]) => (paths.length === 1 ? `conflict with ${label}: ${paths[0]}` : `conflicts with ${label}:\n- ${paths.join('\n- ')}`));
  const n = conflicts.length;
  const message = `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${parts.join('\n')}`;
  return failure(409, 'Conflict', message, {
    name,
    group: type.group,
    kind: type.resource,
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${managerLabel(c.manager)}`, field: prettyPath(c.path) })),
  });
}

/** Apply `applied` as `manager`; returns the merged object with updated managedFields. */
export function serverSideApply(args: { current: KubeObject | undefined; applied: KubeObject; manager: string; force: boolean; now: string; type: ResourceType }): KubeObject {
  const { current, applied, manager, force, now, type } = args;
  const definition = definitionNameOf(type);
  const apiVersion = applied.apiVersion ?? (type.group ? `${type.group}/${type.version}` : type.version);
  const content = ownableContent(applied);
  const appliedSet = toFieldSet(content, definition);
  const managers = readManagers(current);
  const mine = managers.find((m) => m.entry.manager === manager && m.entry.operation === 'Apply' && !m.entry.subresource);
  const others = managers.filter((m) => m !== mine);

  // conflicts: fields this apply changes that another manager owns
  if (current) {
    const conflicts: Array<{ manager: ManagedFieldsEntry; path: string }> = [];
    for (const path of appliedSet) {
      const changes = !sameJson(valueAt(current, path), valueAt(content, path)) && !isListItem(path);
      if (!changes) continue;
      for (const other of others) {
        if (!other.set.has(path)) continue;
        if (force) other.set.delete(path);
        else conflicts.push({ manager: other.entry, path });
      }
    }
    if (conflicts.length) throw conflictError(type, current.metadata.name ?? applied.metadata.name ?? '', conflicts);
  }

  const base: JsonMap = current ? structuredClone(current) as unknown as JsonMap : { apiVersion, kind: applied.kind ?? type.kind, metadata: { ...applied.metadata } };
  base['apiVersion'] = apiVersion;
  base['kind'] = applied.kind ?? type.kind;

  // fields this manager applied before and dropped now: remove unless someone else owns them
  if (mine && current) {
    const ownedByOthers = (path: string): boolean => others.some((o) => [...o.set].some((p) => isWithin(p, path)));
    const removed = [...mine.set].filter((p) => !appliedSet.has(p) && !ownedByOthers(p));
    removed.sort((a, b) => splitPath(b).length - splitPath(a).length);
    for (const path of removed) removePath(base, splitPath(path));
  }

  const merged = mergeApplied(base, content, definition);
  const entry: ManagedFieldsEntry = { manager, operation: 'Apply', apiVersion, time: now, fieldsType: 'FieldsV1' };
  const nextManagers = [...others, { entry, set: appliedSet }];
  const metadata = merged['metadata'] as KubeObject['metadata'];
  if (current && metadata.annotations?.[LAST_APPLIED] !== undefined && manager === 'kubectl' && applied.metadata.annotations?.[LAST_APPLIED] === undefined) {
    metadata.annotations[LAST_APPLIED] = `${JSON.stringify(applied)}\n`;
  }
  metadata.managedFields = orderManagers(writeManagers(nextManagers), current);
  return merged as unknown as KubeObject;
}

/** Keep the existing order of entries; new ones go last. */
function orderManagers(entries: ManagedFieldsEntry[], current: KubeObject | undefined): ManagedFieldsEntry[] {
  const old = current?.metadata.managedFields ?? [];
  const rank = (e: ManagedFieldsEntry): number => {
    const i = old.findIndex((o) => o.manager === e.manager && o.operation === e.operation && o.subresource === e.subresource);
    return i < 0 ? old.length : i;
  };
  return entries.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i).map(({ e }) => e);
}

const isListItem = (path: string): boolean => /(^|\n)k:[^\n]*$/.test(path);

/** Merge an applied config into `base` (owned, changed in place) with apply's list semantics. */
function mergeApplied(base: JsonMap, applied: JsonMap, definition: string | undefined): JsonMap {
  for (const [field, value] of Object.entries(applied)) {
    const current = base[field];
    const shape = shapeOf(definition, field, value);
    if (shape.kind === 'granular' && isMap(value) && isMap(current)) {
      base[field] = mergeApplied(current, value, shape.type);
    } else if (shape.kind === 'associative' && Array.isArray(value) && Array.isArray(current)) {
      const keys = shape.keys ?? [];
      const out = current.slice();
      for (const item of value) {
        if (!isMap(item)) continue;
        const el = keyElement(item, keys);
        const i = out.findIndex((x) => isMap(x) && keyElement(x, keys) === el);
        if (i >= 0) out[i] = mergeApplied(structuredClone(out[i]) as JsonMap, item, shape.type);
        else out.push(structuredClone(item));
      }
      base[field] = out;
    } else if (shape.kind === 'set' && Array.isArray(value) && Array.isArray(current)) {
      const seen = new Set(current.map((v) => JSON.stringify(v)));
      base[field] = [...current, ...value.filter((v) => !seen.has(JSON.stringify(v)))];
    } else if (value === null) {
      delete base[field];
    } else {
      base[field] = structuredClone(value);
    }
  }
  return base;
}

/** Delete the value at a path (a field, map entry, list item or set member). */
function removePath(root: JsonMap, elements: string[]): void {
  if (elements.length === 0) return;
  let parent: unknown = root;
  for (const el of elements.slice(0, -1)) {
    parent = stepInto(parent, el);
    if (parent === undefined) return;
  }
  const last = elements[elements.length - 1]!;
  const body = last.slice(2);
  if (last.startsWith('f:') && isMap(parent)) delete parent[body];
  else if (Array.isArray(parent)) {
    const i = parent.findIndex((item) => stepInto([item], last) !== undefined);
    if (i >= 0) parent.splice(i, 1);
  }
}

function stepInto(v: unknown, el: string): unknown {
  const body = el.slice(2);
  if (el.startsWith('f:')) return isMap(v) ? v[body] : undefined;
  if (!Array.isArray(v)) return undefined;
  if (el.startsWith('i:')) return v[Number(body)];
  if (el.startsWith('v:')) return v.find((x) => JSON.stringify(x) === body);
  const key = JSON.parse(body) as JsonMap;
  return v.find((x) => isMap(x) && keyElement(x, Object.keys(key)) === el);
}

/**
 * Record an ordinary write (create, update, patch) by `manager`: it gains the fields whose
 * values it changed (taking them from other managers); fields that disappeared leave every
 * manager. A request that rewrites metadata.managedFields itself (kubectl's migration after
 * client-side apply) keeps what it wrote. A write that changes nothing changes nothing here.
 * A `status` subresource write is judged on status alone (the rest of it is the old object).
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

/** updateManagedFields without the copy: the managedFields `updated` should carry */
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
  const before = old ? content(old) : {};
  const after = content(updated);
  const afterSet = toFieldSet(after, definition);
  const beforeSet = old ? toFieldSet(before, definition) : new Set<string>();
  const changed = old ? changedPaths(afterSet, beforeSet, before, after) : new Set(afterSet);
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
      if ((!old || valueAt(before, prefix) === undefined) && isMap(valueAt(after, prefix))) changed.add(prefix);
    }
  }
  const managers = readManagers(old);
  const gone = [...beforeSet].filter((p) => !afterSet.has(p));
  let touched = gone.length > 0;
  // a status write can only touch status paths, any other write only the rest
  const inScope = (p: string): boolean => (p === 'f:status' || p.startsWith('f:status\n')) === (subresource === 'status');
  for (const m of managers) {
    for (const p of [...m.set]) {
      if (!inScope(p)) continue;
      const vanished = valueAt(after, p) === undefined;
      if (vanished || (changed.has(p) && !(m.entry.manager === manager && m.entry.operation === operation && m.entry.subresource === subresource))) {
        m.set.delete(p);
        touched = true;
      }
    }
  }
  if (changed.size === 0 && !touched) return old?.metadata.managedFields;
  const apiVersion = updated.apiVersion ?? old?.apiVersion ?? apiVersionOfType(type);
  let mine = managers.find((m) => m.entry.manager === manager && m.entry.operation === operation && m.entry.subresource === subresource);
  if (changed.size > 0) {
    if (!mine) {
      const entry: ManagedFieldsEntry = { manager, operation, apiVersion, time: now, fieldsType: 'FieldsV1' };
      if (subresource) entry.subresource = subresource;
      mine = { entry, set: new Set() };
      managers.push(mine);
    }
    mine.entry = { ...mine.entry, time: now, apiVersion };
    for (const p of changed) mine.set.add(p);
  }
  const out = writeManagers(managers);
  return out.length || old?.metadata.managedFields ? out : undefined;
}

const apiVersionOfType = (type: ResourceType | undefined): string => (type ? (type.group ? `${type.group}/${type.version}` : type.version) : 'v1');

/** paths of `afterSet` whose value differs from `before`: leaves compared by value, inner
 *  nodes only when new. Sorted, a path's descendants (`path\n…`) follow it directly. */
function changedPaths(afterSet: FieldSet, beforeSet: FieldSet, before: JsonMap, after: JsonMap): FieldSet {
  const sorted = [...afterSet].sort();
  const changed: FieldSet = new Set();
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!;
    const next = sorted[i + 1];
    const leaf = next === undefined || !next.startsWith(`${p}\n`);
    if (leaf ? !beforeSet.has(p) || !sameJson(valueAt(before, p), valueAt(after, p)) : valueAt(before, p) === undefined) changed.add(p);
  }
  return changed;
}

/** what a status write may change: status alone */
function statusContent(obj: KubeObject): JsonMap {
  const status = (obj as KubeObject & JsonMap)['status'];
  return status === undefined ? {} : { status };
}
