// Server-side apply: `serverSideApply` merges an applied configuration into the live object
// for a field manager, who then owns exactly the fields it applied; fields it applied before
// and left out now are removed unless another manager owns them; changing a field another
// manager owns is a 409 Conflict unless `force` (which takes it over). Ordinary writes are
// recorded by update-fields.ts (re-exported here). Simplified from structured-merge-diff:
// schema knowledge comes from strategic-meta.ts; unknown lists are atomic.

import { apiVersionOf, compareStrings, failure, type KubeObject, type ManagedFieldsEntry, type ResourceType } from '@kubesim/shared';
import { definitionNameOf } from './strategic-meta.ts';
import { fieldSetFrom, fieldsV1From, isWithin, keyElement, prettyPath, shapeOf, splitPath, toFieldSet, valueAt, type FieldSet } from './apply-fieldset.ts';
import { sameJson } from './field-index.ts';
import { ownableContent } from './update-fields.ts';
import { isMap, type JsonMap } from './json-map.ts';

export { managedFieldsAfterUpdate, updateManagedFields } from './update-fields.ts';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** a managedFields entry with its fields as a set of paths */
export interface Manager {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

export function readManagers(obj: KubeObject | undefined): Manager[] {
  return (obj?.metadata.managedFields ?? []).map((entry) => ({ entry, set: fieldSetFrom(entry.fieldsV1) }));
}

export function writeManagers(managers: Manager[]): ManagedFieldsEntry[] {
  return managers
    .filter((m) => m.set.size > 0)
    .map((m) => ({ ...m.entry, fieldsType: 'FieldsV1' as const, fieldsV1: fieldsV1From(m.set) }));
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
    .sort(([a], [b]) => compareStrings(a, b))
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
  const apiVersion = applied.apiVersion ?? apiVersionOf(type);
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
