// Small helpers over plain JSON objects used by the registry: deep equality (for
// no-op detection), cloning (a JSON round trip's result, made without the text), uids
// from the injected Random, Kubernetes name rules, and turning schema issues into Status
// causes.
import type { Random, StatusCause } from '@kubesim/shared';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * A deep copy as a JSON round trip makes it (JSON.parse(JSON.stringify(v))), walked in
 * place for plain data (several times faster): members that are undefined, functions or
 * symbols are left out of objects and null in lists, -0 is 0. Anything else JSON treats
 * specially (toJSON, non-finite numbers, class instances, a `__proto__` key) takes the
 * round trip itself.
 */
export function clone<T>(v: T): T {
  if (v !== null && typeof v === 'object' && objectPrototypeIsClean()) {
    try {
      return copyValue(v) as T;
    } catch {
      // not plain data: the round trip decides (and throws what it throws)
    }
  }
  return JSON.parse(JSON.stringify(v)) as T;
}

const NOT_PLAIN = new Error('not plain JSON data');

/** whether Object.prototype has no enumerable members (nobody added one), so that for-in
 *  over a plain object sees its own keys only */
function objectPrototypeIsClean(): boolean {
  for (const _ in Object.prototype) return false;
  return true;
}

function copyValue(x: unknown): unknown {
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return x;
    case 'number':
      if (x === 0) return 0;
      if (Number.isFinite(x)) return x;
      throw NOT_PLAIN;
    case 'object':
      if (x === null) return null;
      return Array.isArray(x) ? copyArray(x) : copyObject(x);
    default:
      throw NOT_PLAIN;
  }
}

function copyArray(a: readonly unknown[]): unknown[] {
  if (typeof (a as { toJSON?: unknown }).toJSON === 'function') throw NOT_PLAIN;
  const out: unknown[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    out.push(x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : copyValue(x));
  }
  return out;
}

function copyObject(o: object): Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(o);
  if ((proto !== Object.prototype && proto !== null) || typeof (o as { toJSON?: unknown }).toJSON === 'function') throw NOT_PLAIN;
  const out: Record<string, unknown> = {};
  // (for-in, not Object.keys: no key list per object. With the prototype Object.prototype,
  // which has no enumerable members (clone checked), or none, it sees the own keys only,
  // in Object.keys' order)
  for (const k in o) {
    const x = (o as Record<string, unknown>)[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    if (k === '__proto__') throw NOT_PLAIN;
    out[k] = copyValue(x);
  }
  return out;
}

/** structural equality of JSON values; key order does not matter, undefined keys are absent */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  // (plain data: for-in sees the own keys; no key lists are made)
  let defined = 0;
  for (const k in ao) {
    const v = ao[k];
    if (v === undefined) continue;
    defined++;
    if (!deepEqual(v, bo[k])) return false;
  }
  for (const k in bo) if (bo[k] !== undefined) defined--;
  return defined === 0;
}

/** `obj` without its member `name`, as a new object with the other members in their order.
 *  Deleting the member instead would turn `obj` to V8's slow dictionary mode, which makes
 *  every later read of it, and JSON.stringify, slower. */
export function withoutMember<T extends object>(obj: T, name: string): T {
  const src = obj as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in src) {
    if (!Object.hasOwn(src, k) || k === name) continue;
    if (k === '__proto__') {
      // (an own member named __proto__: a plain assignment would set the prototype)
      const copy = { ...src };
      delete copy[name];
      return copy as T;
    }
    out[k] = src[k];
  }
  return out as T;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** an RFC 4122 version-4 uuid drawn from the injected random source */
export function newUid(random: Random): string {
  const hex = '0123456789abcdef';
  let s = '';
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) s += '-';
    else if (i === 14) s += '4';
    else if (i === 19) s += hex[8 + random.int(4)];
    else s += hex[random.int(16)];
  }
  return s;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes' messages for a name that is not a DNS-1123 label (namespaces, services) */
export function dns1123LabelErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(name)) {
    errs.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errs;
}

/** Kubernetes' messages for a name that is not a DNS-1123 subdomain (most kinds) */
export function dns1123SubdomainErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(name)) {
    errs.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return errs;
}

/** Kubernetes renders invalid values Go-style: strings quoted, numbers bare */
export function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'null';
  return JSON.stringify(v) ?? 'null';
}

export function invalidValue(field: string, value: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${goValue(value)}: ${detail}` };
}

export function requiredValue(field: string, detail?: string): StatusCause {
  return { reason: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

/** `spec.containers[0].image` from a path like ['spec','containers',0,'image'] */
export function fieldPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s ? `.${String(p)}` : String(p);
  }
  return s;
}

export function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

interface SchemaIssue {
  code?: string;
  path: readonly PropertyKey[];
  message: string;
}

/** zod issues as Kubernetes causes: a missing value is "Required value", anything else
 *  "Invalid value: <value>: <why>" */
export function causesFromIssues(obj: unknown, issues: readonly SchemaIssue[]): StatusCause[] {
  return issues.slice(0, 50).map((issue) => {
    const field = fieldPath(issue.path) || '<root>';
    const value = valueAt(obj, issue.path);
    if (value === undefined) return requiredValue(field);
    return invalidValue(field, value, issue.message);
  });
}
