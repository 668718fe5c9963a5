// The straightforward form of managedFieldsAfterUpdate (update-fields.ts), as it was before
// that was made fast: every path looked up from the root (valueAt), values compared as
// sorted-key JSON text, every manager's FieldsV1 rebuilt from its field set. Kept only as
// the oracle of update-fields.test.ts, which checks that both give the same entries.

import type { KubeObject, ManagedFieldsEntry, ResourceType } from '@kubesim/shared';
import { splitPath, toFieldSet, valueAt, type FieldSet } from './apply-fieldset.ts';
import { definitionNameOf } from './strategic-meta.ts';
import { alwaysPresentStructs, apiVersionOfType, createdManagedFields, statusContent } from './update-fields.ts';
import { readManagers, writeManagers } from './apply.ts';
import { isMap, type JsonMap } from './json-map.ts';

/** Fields no manager owns: identity and server-set metadata, and status of the main resource. */
export function ownableContent(obj: KubeObject): JsonMap {
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

const sameJson = (a: unknown, b: unknown): boolean => stableJson(a) === stableJson(b);

export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isMap(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** managedFieldsAfterUpdate, the slow way */
export function referenceManagedFieldsAfterUpdate(
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
  const afterSet = toFieldSet(after, definition);
  const beforeSet = toFieldSet(before, definition);
  const changed = changedPaths(afterSet, beforeSet, before, after);
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
      if (valueAt(before, prefix) === undefined && isMap(valueAt(after, prefix))) changed.add(prefix);
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
  if (changed.size === 0 && !touched) return old.metadata.managedFields;
  const apiVersion = updated.apiVersion ?? old.apiVersion ?? apiVersionOfType(type);
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
  return out.length || old.metadata.managedFields ? out : undefined;
}

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
