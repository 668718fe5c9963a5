// Field sets for server-side apply: which fields of an object a manager owns. A path is a
// list of elements as in Kubernetes' FieldsV1: `f:spec` (a field or map key), `k:{"name":"nginx"}`
// (a list item by its keys), `v:"a"` (a set member), `i:0` (a list index). A FieldSet is a
// Set of such paths, encoded as the elements joined by "\n". `toFieldSet(obj, definition)`
// lists what an applied config sets; `fieldsV1From`/`fieldSetFrom` convert to and from the
// nested FieldsV1 JSON (a node that is itself a member gets a "." entry when it has children);
// `createdFieldsV1` goes straight to FieldsV1 for a new object's only manager.

import { patchMeta, type PatchFieldMeta } from './strategic-meta.ts';

export type FieldSet = Set<string>;
type JsonMap = Record<string, unknown>;

const SEP = '\n';
const isMap = (v: unknown): v is JsonMap => v !== null && typeof v === 'object' && !Array.isArray(v);

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
const keyDefaults: Record<string, unknown> = { protocol: 'TCP' };

export function shapeOf(definition: string | undefined, field: string, value: unknown): ApplyFieldShape {
  const meta: PatchFieldMeta = (definition && patchMeta[definition]?.[field]) || {};
  const typed = meta.type ? { type: meta.type } : {};
  if (definition && atomicFields.has(`${definition}.${field}`)) return { kind: 'atomic' };
  if (Array.isArray(value)) {
    if (meta.mergeKey) return { kind: 'associative', keys: listKeysOverride[`${definition}.${field}`] ?? [meta.mergeKey], ...typed };
    if (meta.strategy?.includes('merge')) return { kind: 'set' };
    return { kind: 'atomic' };
  }
  return isMap(value) ? { kind: 'granular', ...typed } : { kind: 'atomic' };
}

/** The `k:` element naming a list item by its key fields. */
export function keyElement(item: JsonMap, keys: readonly string[]): string {
  const key: JsonMap = {};
  for (const k of [...keys].sort()) key[k] = item[k] ?? keyDefaults[k];
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
 * `alwaysPresent`), built in one walk (creates are hot).
 */
export function createdFieldsV1(value: JsonMap, definition: string | undefined, alwaysPresent: ReadonlySet<string>): JsonMap {
  return sortKeys(mapFields(value, definition, alwaysPresent)) as JsonMap;
}

function mapFields(value: JsonMap, definition: string | undefined, alwaysPresent: ReadonlySet<string>): JsonMap {
  const node: JsonMap = {};
  for (const field of Object.keys(value)) {
    const v = value[field];
    const el = `f:${field}`;
    const child = valueFields(v, shapeOf(definition, field, v), !alwaysPresent.has(el), alwaysPresent);
    if (child) node[el] = child;
  }
  return node;
}

const hasKeys = (m: JsonMap): boolean => {
  for (const _ in m) return true;
  return false;
};

/** the FieldsV1 node of one value; undefined when it contributes no path */
function valueFields(v: unknown, shape: ApplyFieldShape, memberIfMap: boolean, alwaysPresent: ReadonlySet<string>): JsonMap | undefined {
  if (shape.kind === 'atomic' || v === null || (isMap(v) && !hasKeys(v))) return {};
  if (Array.isArray(v)) {
    if (shape.kind === 'set') {
      if (v.length === 0) return undefined;
      const node: JsonMap = {};
      for (const item of v) node[`v:${JSON.stringify(item)}`] = {};
      return node;
    }
    if (v.length === 0) return {};
    const node: JsonMap = {};
    for (const item of v) {
      if (!isMap(item)) continue;
      const children = mapFields(item, shape.type, alwaysPresent);
      const key = keyElement(item, shape.keys ?? []);
      const fields: JsonMap = hasKeys(children) ? { '.': {}, ...children } : {};
      // items sharing a key (invalid, but possible) own the union of their fields
      node[key] = isMap(node[key]) ? unionFields(node[key], fields) : fields;
    }
    return hasKeys(node) ? node : undefined;
  }
  if (isMap(v)) {
    const children = mapFields(v, shape.type, alwaysPresent);
    if (!hasKeys(children)) return undefined;
    return memberIfMap ? { '.': {}, ...children } : children;
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
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
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
    const body = el.slice(2);
    if (el.startsWith('f:')) {
      if (!isMap(v) || !(body in v)) return undefined;
      v = v[body];
    } else if (el.startsWith('k:')) {
      if (!Array.isArray(v)) return undefined;
      const key = JSON.parse(body) as JsonMap;
      v = v.find((item) => isMap(item) && Object.entries(key).every(([k, kv]) => JSON.stringify(item[k] ?? keyDefaults[k]) === JSON.stringify(kv)));
    } else if (el.startsWith('v:')) {
      if (!Array.isArray(v)) return undefined;
      const want = body;
      v = v.find((item) => JSON.stringify(item) === want);
    } else if (el.startsWith('i:')) {
      if (!Array.isArray(v)) return undefined;
      v = v[Number(body)];
    }
    if (v === undefined) return undefined;
  }
  return v;
}

/** True if `path` is `other` or lies below it. */
export function isWithin(path: string, other: string): boolean {
  return path === other || other === '' || path.startsWith(other + SEP);
}
