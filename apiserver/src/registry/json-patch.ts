// JSON patch (RFC 6902), `application/json-patch+json`: an array of operations
// (add, remove, replace, move, copy, test) addressed by JSON pointers (RFC 6901:
// `/spec/template`, `~1` for '/', `~0` for '~', `-` for "after the last element").
// Operations apply in order to a copy; if any fails, nothing is applied.
// `kubectl rollout undo` and `patch --type json` send these.
import { badRequest, failure } from '@kubesim/shared';
import type { ApiError } from '@kubesim/shared';
import { clone, deepEqual, isPlainObject } from './objects.ts';

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

function unprocessable(message: string): ApiError {
  return failure(422, 'Invalid', message);
}

/** how Go's encoding/json names the kind of a JSON value in its unmarshal errors */
export function goJsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** the patch document must be an array of well-formed operations (else 400); `null`
 *  decodes, as in Go, to a patch of no operations */
export function parseJsonPatch(doc: unknown): JsonPatchOp[] {
  if (doc === null) return [];
  if (!Array.isArray(doc)) throw badRequest(`json: cannot unmarshal ${goJsonKind(doc)} into Go value of type jsonpatch.Patch`);
  return doc.map((raw, i) => {
    if (!isPlainObject(raw)) throw badRequest(`the server rejected our request due to an error in our request: operation ${i} is not an object`);
    const op = raw['op'];
    const path = raw['path'];
    if (op !== 'add' && op !== 'remove' && op !== 'replace' && op !== 'move' && op !== 'copy' && op !== 'test') {
      throw badRequest(`Unexpected kind: ${String(op)}`);
    }
    if (typeof path !== 'string') throw badRequest(`operation ${i}: missing path`);
    if ((op === 'add' || op === 'replace' || op === 'test') && !('value' in raw)) throw badRequest(`operation ${i}: missing value`);
    if ((op === 'move' || op === 'copy') && typeof raw['from'] !== 'string') throw badRequest(`operation ${i}: missing from`);
    const out: JsonPatchOp = { op, path };
    if ('value' in raw) out.value = raw['value'];
    if (typeof raw['from'] === 'string') out.from = raw['from'];
    return out;
  });
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw unprocessable(`the server rejected our request due to an error in our request: invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function arrayIndex(arr: unknown[], token: string, forInsert: boolean): number {
  if (forInsert && token === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw unprocessable(`the server rejected our request due to an error in our request: invalid array index ${JSON.stringify(token)}`);
  const i = Number(token);
  if (i > arr.length || (!forInsert && i === arr.length)) throw unprocessable(`the server rejected our request due to an error in our request: array index ${i} out of bounds`);
  return i;
}

/** walk to the container holding the last token */
function parentOf(doc: unknown, tokens: string[], pointer: string): Container {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)];
    else if (isPlainObject(cur) && Object.hasOwn(cur, t)) cur = cur[t];
    else throw unprocessable(`the server rejected our request due to an error in our request: doc is missing path: ${JSON.stringify(pointer)}`);
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) throw unprocessable(`the server rejected our request due to an error in our request: doc is missing path: ${JSON.stringify(pointer)}`);
  return cur;
}

function getAt(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent[arrayIndex(parent, last, false)];
  if (!Object.hasOwn(parent, last)) throw unprocessable(`the server rejected our request due to an error in our request: doc is missing key: ${JSON.stringify(pointer)}`);
  return parent[last];
}

function removeAt(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw unprocessable('the server rejected our request due to an error in our request: cannot remove the whole document');
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, false), 1)[0];
  if (!Object.hasOwn(parent, last)) throw unprocessable(`the server rejected our request due to an error in our request: unable to remove nonexistent key: ${last}: missing value`);
  const v = parent[last];
  delete parent[last];
  return v;
}

/** returns the new document (the root may be replaced) */
function addAt(doc: unknown, pointer: string, value: unknown, replace: boolean): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    if (replace) parent[arrayIndex(parent, last, false)] = value;
    else parent.splice(arrayIndex(parent, last, true), 0, value);
  } else {
    if (replace && !Object.hasOwn(parent, last)) {
      throw unprocessable(`the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: ${pointer}: missing value`);
    }
    parent[last] = value;
  }
  return doc;
}

/** apply all operations to a copy of `target`; throws 422 if one fails, leaving `target` untouched */
export function applyJsonPatch(target: unknown, ops: readonly JsonPatchOp[]): unknown {
  let doc = clone(target);
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        doc = addAt(doc, op.path, clone(op.value), false);
        break;
      case 'replace':
        doc = addAt(doc, op.path, clone(op.value), true);
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'move': {
        const from = op.from!;
        if (op.path.startsWith(`${from}/`)) throw unprocessable('the server rejected our request due to an error in our request: cannot move a value into one of its children');
        const v = removeAt(doc, from);
        doc = addAt(doc, op.path, v, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, op.path, clone(getAt(doc, op.from!)), false);
        break;
      case 'test':
        if (!deepEqual(getAt(doc, op.path), op.value)) throw unprocessable('the server rejected our request due to an error in our request: testing value ' + op.path + ' failed: test failed');
        break;
    }
  }
  return doc;
}
