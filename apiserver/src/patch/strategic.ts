// Strategic merge patch (`application/strategic-merge-patch+json`), as Kubernetes applies
// it: maps merge key by key (null deletes), lists of objects with a merge key merge element
// by element (`containers` by `name`), primitive lists with strategy merge are unions, all
// other lists are replaced. Directives: `$patch: replace|delete|merge`, `$retainKeys`,
// `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`. Pure: inputs are not changed.
// Call `strategicMergePatch(live, patch, resourceType)`; a malformed patch is a 400 ApiError.

import { badRequest, type ResourceType } from '@kubesim/shared';
import { definitionNameOf, patchMeta, type PatchFieldMeta } from './strategic-meta.ts';
import { isMap, type JsonMap } from './json-map.ts';

export { patchMeta, definitionNameOf, definitionPrefix } from './strategic-meta.ts';
export type { PatchFieldMeta, PatchMetaTable, PatchStrategy } from './strategic-meta.ts';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

function fieldsOf(typeName: string | undefined): Readonly<Record<string, PatchFieldMeta>> {
  return (typeName && patchMeta[typeName]) || {};
}

/** Apply a strategic merge patch to `original` for objects of `type`. */
export function strategicMergePatch(original: unknown, patch: unknown, type: ResourceType): unknown {
  if (!isMap(patch)) throw badRequest('strategic merge patch must be a JSON object');
  const base = isMap(original) ? structuredClone(original) : {};
  return mergeMap(base, patch, definitionNameOf(type));
}

/** Apply a strategic merge patch by definition name (used by tests and by apply). */
export function strategicMergeByDefinition(original: JsonMap, patch: JsonMap, definition: string | undefined): JsonMap {
  return mergeMap(structuredClone(original), patch, definition);
}

/** Merge `patch` into `original` (which is owned and may be changed). */
function mergeMap(original: JsonMap, patch: JsonMap, typeName: string | undefined): JsonMap {
  const directive = patch[PATCH];
  if (directive !== undefined) {
    if (directive === 'replace') return stripDirectives(withoutKey(patch, PATCH), typeName);
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw badRequest(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  }
  const fields = fieldsOf(typeName);

  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw badRequest('$retainKeys must be a list of field names');
    const keep = new Set(retain.map(String));
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }

  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM)) continue;
    const field = key.slice(DELETE_FROM.length);
    if (!Array.isArray(value)) throw badRequest(`${key} must be a list`);
    const current = original[field];
    if (Array.isArray(current)) {
      const gone = new Set(value.map((v) => JSON.stringify(v)));
      original[field] = current.filter((v) => !gone.has(JSON.stringify(v)));
    }
  }

  const before = new Map<string, unknown[]>();
  for (const key of Object.keys(patch)) {
    const field = key.startsWith(SET_ORDER) ? key.slice(SET_ORDER.length) : undefined;
    const list = field === undefined ? undefined : original[field];
    if (field !== undefined && Array.isArray(list)) before.set(field, list);
  }

  for (const [key, value] of Object.entries(patch)) {
    if (key === PATCH || key === RETAIN_KEYS || key.startsWith(DELETE_FROM) || key.startsWith(SET_ORDER)) continue;
    const meta = fields[key] ?? {};
    if (value === null) {
      delete original[key];
      continue;
    }
    const current = original[key];
    if (isMap(value)) {
      if (meta.strategy === 'replace' || !isMap(current)) original[key] = stripDirectives(value, meta.type);
      else original[key] = mergeMap(current, value, meta.type);
      if (isMap(value) && value[PATCH] === 'delete') delete original[key];
    } else if (Array.isArray(value)) {
      const merging = meta.strategy?.includes('merge') ?? false;
      const base = Array.isArray(current) ? current : [];
      const merged = merging ? mergeList(base, value, meta) : stripListDirectives(value, meta);
      // without $setElementOrder, Kubernetes orders the result by the patch, then by the live list
      original[key] = merging && !(`${SET_ORDER}${key}` in patch) ? patchOrder(merged, base, value, meta.mergeKey) : merged;
    } else {
      original[key] = value;
    }
  }

  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const field = key.slice(SET_ORDER.length);
    if (!Array.isArray(order)) throw badRequest(`${key} must be a list`);
    const list = original[field];
    if (Array.isArray(list)) original[field] = applyElementOrder(list, before.get(field) ?? [], order, fields[field]?.mergeKey);
  }
  return original;
}

function withoutKey(m: JsonMap, key: string): JsonMap {
  const { [key]: _dropped, ...rest } = m;
  return rest;
}

/** A patch value placed where nothing was: keep it, minus any directives inside. */
function stripDirectives(value: JsonMap, typeName: string | undefined): JsonMap {
  return mergeMap({}, value[PATCH] === 'replace' ? withoutKey(value, PATCH) : value, typeName);
}

function stripListDirectives(list: unknown[], meta: PatchFieldMeta): unknown[] {
  return list
    .filter((v) => !(isMap(v) && v[PATCH] !== undefined && Object.keys(v).length === 1) && !(isMap(v) && v[PATCH] === 'delete'))
    .map((v) => (isMap(v) ? stripDirectives(v, meta.type) : v));
}

function mergeList(original: unknown[], patch: unknown[], meta: PatchFieldMeta): unknown[] {
  // `[{"$patch": "replace"}, ...]` replaces the list with the other elements
  if (patch.some((v) => isMap(v) && v[PATCH] === 'replace')) {
    return stripListDirectives(patch, meta);
  }
  const mergeKey = meta.mergeKey;
  if (!mergeKey || patch.every((v) => !isMap(v))) {
    // a set of primitives (finalizers, podCIDRs): union in order
    if (patch.some(isMap)) throw badRequest('merging a list of objects needs a merge key');
    const out = original.slice();
    const seen = new Set(out.map((v) => JSON.stringify(v)));
    for (const v of patch) {
      const k = JSON.stringify(v);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(v);
      }
    }
    return out;
  }
  const out = original.map((v) => (isMap(v) ? structuredClone(v) : v));
  for (const element of patch) {
    if (!isMap(element)) throw badRequest(`a list merged by "${mergeKey}" holds only objects, got ${JSON.stringify(element)}`);
    if (!(mergeKey in element)) throw badRequest(`map: ${JSON.stringify(element)} does not contain declared merge key: ${mergeKey}`);
    const keyValue = JSON.stringify(element[mergeKey]);
    const index = out.findIndex((v) => isMap(v) && JSON.stringify(v[mergeKey]) === keyValue);
    if (element[PATCH] === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = mergeMap(out[index] as JsonMap, element, meta.type);
    else out.push(stripDirectives(element, meta.type));
  }
  return out;
}

/**
 * The order of a merged list when the patch gives no `$setElementOrder` (Kubernetes:
 * normalizeElementOrder): the elements the patch names, in the patch's order, interleaved with
 * the elements only the server has, in their live order; where the live list does not rank
 * the two (an element new to the server), the patch's element comes first. So a patch that
 * adds `env: [{name: C}]` to `[A, B]` gives `[C, A, B]`.
 */
function patchOrder(merged: unknown[], live: unknown[], patch: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (v: unknown): string => JSON.stringify(mergeKey && isMap(v) ? v[mergeKey] : v);
  const livePos = new Map(live.map((v, i) => [keyOf(v), i]));
  const patchPos = new Map<string, number>();
  patch.forEach((v, i) => {
    if (!(isMap(v) && v[PATCH] !== undefined)) patchPos.set(keyOf(v), i);
  });
  const fromPatch = merged.filter((v) => patchPos.has(keyOf(v))).sort((a, b) => patchPos.get(keyOf(a))! - patchPos.get(keyOf(b))!);
  const serverOnly = merged.filter((v) => !patchPos.has(keyOf(v)));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < fromPatch.length) {
    if (j >= fromPatch.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(fromPatch[j++]);
    else {
      const l = livePos.get(keyOf(serverOnly[i]));
      const r = livePos.get(keyOf(fromPatch[j]));
      if (l !== undefined && r !== undefined && l < r) out.push(serverOnly[i++]);
      else out.push(fromPatch[j++]);
    }
  }
  return out;
}

/**
 * `$setElementOrder/<list>`: the elements named in `order` come in that order; elements only
 * the server has keep their place relative to the original list (the two sorted sequences
 * are merged by original position; a newly added element goes before later server ones).
 */
function applyElementOrder(list: unknown[], original: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const keyOf = (v: unknown): string => JSON.stringify(mergeKey && isMap(v) ? v[mergeKey] : v);
  const wasThere = new Set(original.map(keyOf));
  const rank = new Map(order.map((v, i) => [keyOf(v), i]));
  const listed = list.filter((v) => rank.has(keyOf(v))).sort((a, b) => rank.get(keyOf(a))! - rank.get(keyOf(b))!);
  const serverOnly = list.filter((v) => !rank.has(keyOf(v)));
  if (serverOnly.length === 0) return listed;
  const position = new Map(list.map((v, i) => [v, i]));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < listed.length || j < serverOnly.length) {
    if (j >= serverOnly.length) out.push(listed[i++]);
    else if (i >= listed.length) out.push(serverOnly[j++]);
    else if (!wasThere.has(keyOf(listed[i]))) out.push(listed[i++]);
    else if (position.get(serverOnly[j])! < position.get(listed[i])!) out.push(serverOnly[j++]);
    else out.push(listed[i++]);
  }
  return out;
}
