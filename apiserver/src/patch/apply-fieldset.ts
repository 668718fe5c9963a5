// Field sets for server-side apply: which fields of an object a manager owns. A path is a
// list of elements as in Kubernetes' FieldsV1: `f:spec` (a field or map key), `k:{"name":"nginx"}`
// (a list item by its keys), `v:"a"` (a set member), `i:0` (a list index). A FieldSet is a
// Set of such paths, encoded as the elements joined by "\n". `toFieldSet(obj, definition)`
// lists what an applied config sets; `fieldsV1From`/`fieldSetFrom` convert to and from the
// nested FieldsV1 JSON (a node that is itself a member gets a "." entry when it has children);
// `createdFieldsV1` goes straight to FieldsV1 for a new object's only manager.

import { patchMeta, type PatchFieldMeta } from './strategic-meta.ts';
import { isMap, hasKeys, type JsonMap } from './json-map.ts';

export type FieldSet = Set<string>;

const SEP = '\n';

/** The shape of a field for apply: how its list or struct merges. */
export interface ApplyFieldShape {
  kind: 'atomic' | 'granular' | 'associative' | 'set';
  keys?: readonly string[];
  type?: string;
}

const apps = 'io.k8s.api.apps.v1.';
const batch = 'io.k8s.api.batch.v1.';
const core = 'io.k8s.api.core.v1.';

/** Structs applied as one value (`+structType=atomic`), such as label selectors. */
const atomicFields = new Set([
  `${apps}DeploymentSpec.selector`,
  `${apps}ReplicaSetSpec.selector`,
  `${apps}StatefulSetSpec.selector`,
  `${apps}DaemonSetSpec.selector`,
  `${batch}JobSpec.selector`,
]);

/** List-map keys where apply keys items by more than the strategic merge key. */
const listKeysOverride: Record<string, readonly string[]> = {
  [`${core}Container.ports`]: ['containerPort', 'protocol'],
  [`${core}EphemeralContainer.ports`]: ['containerPort', 'protocol'],
  [`${core}ServiceSpec.ports`]: ['port', 'protocol'],
};

/** Defaults of list-map key fields, so an item without them still has a key. */
export const keyDefaults: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

const ATOMIC: ApplyFieldShape = Object.freeze({ kind: 'atomic' });
const GRANULAR: ApplyFieldShape = Object.freeze({ kind: 'granular' });

/** a described field's shape for each kind of value it may hold */
interface FieldShapes {
  list: ApplyFieldShape;
  map: ApplyFieldShape;
}

/** definition → field → shapes, for the fields patchMeta or atomicFields describe, made
 *  once per definition from those tables (fields nobody describes get the constant shapes) */
const shapeCache = new Map<string, ReadonlyMap<string, FieldShapes>>();

function describedShapes(definition: string): ReadonlyMap<string, FieldShapes> {
  let byField = shapeCache.get(definition);
  if (byField) return byField;
  const made = new Map<string, FieldShapes>();
  const fields = patchMeta[definition] ?? {};
  for (const field of Object.keys(fields)) {
    const meta: PatchFieldMeta = fields[field]!;
    const typed = meta.type ? { type: meta.type } : {};
    const list: ApplyFieldShape = meta.mergeKey
      ? { kind: 'associative', keys: listKeysOverride[`${definition}.${field}`] ?? [meta.mergeKey], ...typed }
      : meta.strategy?.includes('merge') ? { kind: 'set' } : ATOMIC;
    made.set(field, { list: Object.freeze(list), map: Object.freeze({ kind: 'granular', ...typed }) });
  }
  for (const path of atomicFields) {
    if (path.startsWith(`${definition}.`) && !path.slice(definition.length + 1).includes('.')) made.set(path.slice(definition.length + 1), { list: ATOMIC, map: ATOMIC });
  }
  byField = made;
  shapeCache.set(definition, byField);
  return byField;
}

/** how a field merges for apply; the answer is shared and frozen */
export function shapeOf(definition: string | undefined, field: string, value: unknown): ApplyFieldShape {
  const shapes = definition ? describedShapes(definition).get(field) : undefined;
  if (Array.isArray(value)) return shapes ? shapes.list : ATOMIC;
  if (isMap(value)) return shapes ? shapes.map : GRANULAR;
  return ATOMIC;
}

/** The `k:` element naming a list item by its key fields. */
export function keyElement(item: JsonMap, keys: readonly string[]): string {
  if (keys.length === 1) {
    // the JSON of a one-member map, written out for a plain value (the common case)
    const k = keys[0]!;
    const v = item[k] ?? keyDefaults[k];
    if ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && k !== '__proto__') return `k:{${JSON.stringify(k)}:${JSON.stringify(v)}}`;
  }
  const key: JsonMap = {};
  if (keys.length === 1) key[keys[0]!] = item[keys[0]!] ?? keyDefaults[keys[0]!];
  else for (const k of [...keys].sort()) key[k] = item[k] ?? keyDefaults[k];
  return `k:${JSON.stringify(key)}`;
}

export function joinPath(elements: readonly string[]): string {
  return elements.join(SEP);
}

export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split(SEP);
}

/**
 * Every path an object sets: leaves, atomic values, map entries, list items (which are
 * members themselves) and set members. Empty maps count as leaves (`f:resources: {}`).
 */
export function toFieldSet(value: JsonMap, definition: string | undefined, prefix: string[] = [], out: FieldSet = new Set()): FieldSet {
  for (const [field, v] of Object.entries(value)) {
    const path = [...prefix, `f:${field}`];
    walkValue(v, shapeOf(definition, field, v), path, out);
  }
  return out;
}

function walkValue(v: unknown, shape: ApplyFieldShape, path: string[], out: FieldSet): void {
  if (shape.kind === 'atomic' || v === null || (isMap(v) && Object.keys(v).length === 0)) {
    out.add(joinPath(path));
    return;
  }
  if (Array.isArray(v)) {
    if (shape.kind === 'set') {
      for (const item of v) out.add(joinPath([...path, `v:${JSON.stringify(item)}`]));
      return;
    }
    for (const item of v) {
      if (!isMap(item)) continue;
      const itemPath = [...path, keyElement(item, shape.keys ?? [])];
      out.add(joinPath(itemPath));
      toFieldSet(item, shape.type, itemPath, out);
    }
    if (v.length === 0) out.add(joinPath(path));
    return;
  }
  if (isMap(v)) {
    toFieldSet(v, shape.type, path, out);
    return;
  }
  out.add(joinPath(path));
}

/**
 * FieldsV1 of everything in `value`, as the one manager that created it owns it: the same
 * JSON as fieldsV1From(toFieldSet(value) plus every new map node that is not one of
 * `alwaysPresent`), built in one walk with every node's keys in sorted order (creates are
 * hot). Sorted because a node's "." sorts before its `f:`/`k:`/`v:` children, and `f:`
 * children sort as their field names do.
 */
export function createdFieldsV1(value: JsonMap, definition: string | undefined, alwaysPresent: ReadonlySet<string>): JsonMap {
  const node: JsonMap = {};
  mapFields(value, definition, alwaysPresent, node);
  return node;
}

/** sort strings in place as Array.prototype.sort() does (by UTF-16 code units); a few of
 *  them, as a node's children are, by insertion, which is cheaper there than the builtin */
export function sortStrings(a: string[]): void {
  if (a.length > 16) {
    a.sort();
    return;
  }
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

/** `f:<field>`, the element of a field, remembered for the field names seen first (a bounded set) */
const fieldElements = new Map<string, string>();

export function fieldElement(field: string): string {
  let el = fieldElements.get(field);
  if (el === undefined) {
    el = `f:${field}`;
    if (fieldElements.size < 4096) fieldElements.set(field, el);
  }
  return el;
}

/** add the `f:` children of `value` to `node` in sorted order; returns how many */
function mapFields(value: JsonMap, definition: string | undefined, alwaysPresent: ReadonlySet<string>, node: JsonMap): number {
  const fields = Object.keys(value);
  if (fields.length > 1) sortStrings(fields);
  let n = 0;
  for (const field of fields) {
    const v = value[field];
    const el = fieldElement(field);
    const child = valueFields(v, shapeOf(definition, field, v), !alwaysPresent.has(el), alwaysPresent);
    if (child) {
      node[el] = child;
      n++;
    }
  }
  return n;
}

/** the FieldsV1 node of one value; undefined when it contributes no path */
function valueFields(v: unknown, shape: ApplyFieldShape, memberIfMap: boolean, alwaysPresent: ReadonlySet<string>): JsonMap | undefined {
  if (shape.kind === 'atomic' || v === null || (isMap(v) && !hasKeys(v))) return {};
  if (Array.isArray(v)) {
    if (shape.kind === 'set') {
      if (v.length === 0) return undefined;
      const members = v.map((item) => `v:${JSON.stringify(item)}`);
      sortStrings(members);
      const node: JsonMap = {};
      for (const m of members) node[m] = {};
      return node;
    }
    if (v.length === 0) return {};
    const node: JsonMap = {};
    let merged = false;
    for (const item of v) {
      if (!isMap(item)) continue;
      const fields: JsonMap = { '.': {} };
      const key = keyElement(item, shape.keys ?? []);
      const own = mapFields(item, shape.type, alwaysPresent, fields) > 0 ? fields : {};
      // items sharing a key (invalid, but possible) own the union of their fields
      if (isMap(node[key])) {
        node[key] = unionFields(node[key], own);
        merged = true;
      } else node[key] = own;
    }
    const keys = Object.keys(node);
    if (keys.length === 0) return undefined;
    if (keys.length === 1 && !merged) return node;
    // items come in list order: put their keys in order (and unions in order throughout)
    return sortKeys(node) as JsonMap;
  }
  if (isMap(v)) {
    const node: JsonMap = memberIfMap ? { '.': {} } : {};
    return mapFields(v, shape.type, alwaysPresent, node) > 0 ? node : undefined;
  }
  return {};
}

/** two FieldsV1 nodes of one path merged; `{}` is a member with no children */
function unionFields(a: JsonMap, b: JsonMap): JsonMap {
  if (!hasKeys(a)) return hasKeys(b) ? { '.': {}, ...b } : {};
  if (!hasKeys(b)) return { '.': {}, ...a };
  const out: JsonMap = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isMap(out[k]) && isMap(v) ? unionFields(out[k], v) : v;
  return out;
}

/** A FieldSet as FieldsV1 JSON. */
export function fieldsV1From(set: FieldSet): JsonMap {
  const root: JsonMap = {};
  for (const path of [...set].sort()) {
    let node = root;
    const elements = splitPath(path);
    for (const el of elements) node = (node[el] ??= {}) as JsonMap;
    node['.'] = {};
  }
  const tidy = (node: JsonMap): void => {
    const children = Object.keys(node).filter((k) => k !== '.');
    if (children.length === 0) delete node['.'];
    for (const k of children) tidy(node[k] as JsonMap);
  };
  tidy(root);
  return sortKeys(root) as JsonMap;
}

function sortKeys(v: unknown): unknown {
  if (!isMap(v)) return v;
  const out: JsonMap = {};
  const keys = Object.keys(v);
  sortStrings(keys);
  for (const k of keys) out[k] = sortKeys(v[k]);
  return out;
}

/** FieldsV1 JSON as a FieldSet. */
export function fieldSetFrom(fields: unknown, prefix: string[] = [], out: FieldSet = new Set()): FieldSet {
  if (!isMap(fields)) return out;
  for (const [el, child] of Object.entries(fields)) {
    if (el === '.') {
      out.add(joinPath(prefix));
      continue;
    }
    const path = [...prefix, el];
    if (!isMap(child) || Object.keys(child).length === 0) out.add(joinPath(path));
    else fieldSetFrom(child, path, out);
  }
  return out;
}

/** `.spec.template.spec.containers[name="nginx"].image`, as Kubernetes prints a path. */
export function prettyPath(path: string): string {
  let s = '';
  for (const el of splitPath(path)) {
    const body = el.slice(2);
    if (el.startsWith('f:')) s += `.${body}`;
    else if (el.startsWith('i:')) s += `[${body}]`;
    else if (el.startsWith('v:')) s += `[=${body}]`;
    else if (el.startsWith('k:')) {
      const key = JSON.parse(body) as JsonMap;
      s += `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    }
  }
  return s;
}

/** The value an object holds at a path, or undefined when the path is absent. */
export function valueAt(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const el of splitPath(path)) {
    v = elementValue(v, el);
    if (v === undefined) return undefined;
  }
  return v;
}

/** valueAt's one step: what element `el` of a path leads to from `v` (an element of no
 *  known kind leads nowhere else: to `v`) */
export function elementValue(v: unknown, el: string): unknown {
  const body = el.slice(2);
  if (el.startsWith('f:')) return isMap(v) && body in v ? v[body] : undefined;
  if (el.startsWith('k:')) {
    if (!Array.isArray(v)) return undefined;
    const key = JSON.parse(body) as JsonMap;
    return v.find((item) => isMap(item) && Object.entries(key).every(([k, kv]) => JSON.stringify(item[k] ?? keyDefaults[k]) === JSON.stringify(kv)));
  }
  if (el.startsWith('v:')) return Array.isArray(v) ? v.find((item) => JSON.stringify(item) === body) : undefined;
  if (el.startsWith('i:')) return Array.isArray(v) ? v[Number(body)] : undefined;
  return v;
}

/** True if `path` is `other` or lies below it. */
export function isWithin(path: string, other: string): boolean {
  return path === other || other === '' || path.startsWith(other + SEP);
}
