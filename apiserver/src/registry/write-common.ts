// What every write shares: the write context, type-meta and name checks against the URL,
// admission steps that read other objects (namespace lifecycle), the field manager of an
// ordinary write, and the validation call that turns causes into a 422.
import { badRequest, invalid } from '@kubesim/shared';
import type { KubeObject, StatusCause } from '@kubesim/shared';
import type { RegistryCore, ResourceInfo, UserInfo } from './core.ts';
import { resources } from '@kubesim/shared';
import { isTerminating, namespaceNotFound, namespaceTerminating } from './kinds/namespaces.ts';
import type { NamespaceLike } from './kinds/namespaces.ts';
import { clone, isPlainObject } from './objects.ts';
import { dropUnknownFields, findUnknownFields, formatFieldPath, scanFields, strictDecodingError, unknownFieldWarnings } from '../openapi/field-validation.ts';

export interface WriteContext {
  dryRun?: boolean;
  fieldManager?: string;
  user?: UserInfo;
  /** the client's User-Agent: names the field manager when fieldManager is absent */
  userAgent?: string;
  /** unknown fields: Strict → 400, Warn (the default) → a warning each, Ignore; all prune them */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** warnings for the client (HTTP `Warning` headers), appended by the write */
  warnings?: string[];
  /** the caller only sends the answer's JSON (rememberedJson) and keeps nothing of it (the
   *  HTTP handlers): a committed write may answer with the object the watch cache took,
   *  which must then not be changed, instead of a copy. Only such a write remembers its
   *  answer's JSON (rememberJson): other callers (in process) never ask for it */
  answerServedOnly?: boolean;
  /** the caller only reads the answer (the in-process client's `answer: 'shared'`): an
   *  update may answer with the deep-frozen object its watchers share instead of a copy */
  answerShared?: boolean;
}

/** the manager an Update entry is recorded under: the fieldManager parameter, else the
 *  User-Agent up to its first '/' (`kubectl/v1.32.4 (linux/amd64) …` → `kubectl`), as
 *  Kubernetes does; at most 128 characters */
export function managerOf(ctx: WriteContext): string {
  if (ctx.fieldManager) return ctx.fieldManager;
  const ua = ctx.userAgent ?? '';
  const slash = ua.indexOf('/');
  return (slash >= 0 ? ua.slice(0, slash) : ua).slice(0, 128);
}

/** apiVersion/kind in a body must be those of the URL's resource (either may be absent) */
export function checkTypeMeta(info: ResourceInfo, obj: unknown): asserts obj is KubeObject {
  if (!isPlainObject(obj)) throw badRequest('Object in body is not a JSON object');
  const av = obj['apiVersion'];
  const kind = obj['kind'];
  if (av !== undefined && av !== '' && av !== info.apiVersion) {
    throw badRequest(`the API version in the data (${String(av)}) does not match the expected API version (${info.apiVersion})`);
  }
  if (kind !== undefined && kind !== '' && kind !== info.type.kind) {
    throw badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${info.type.kind})`);
  }
  if (obj['metadata'] === undefined || obj['metadata'] === null) obj['metadata'] = {};
  if (!isPlainObject(obj['metadata'])) throw badRequest('metadata: Invalid value: must be an object');
}

export function checkNamespaceMatches(obj: KubeObject, namespace: string | undefined, namespaced: boolean): void {
  if (!namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = namespace!;
}

/**
 * fieldValidation on a decoded body (create, update) or a patched object: fields the kind's
 * schema does not declare are a 400 under Strict, a warning each under Warn (the default),
 * nothing under Ignore; unless refused, they are dropped, since Kubernetes' typed objects
 * cannot hold them. Empty maps are dropped too, under any fieldValidation: Go's map fields
 * are `omitempty` (field-validation.ts). Returns the object to go on with: `obj`, or with `shared` (obj may
 * share parts with a stored state, which must not change) a pruned copy when it had any.
 * `scanned`: where to look, when parts of `obj` are known to hold none (borrowed parts of
 * the stored state, see borrowing.ts): `obj` without them, the rest shared.
 */
export function pruneUnknownFields<T extends KubeObject>(info: ResourceInfo, obj: T, ctx: WriteContext, shared = false, scanned: unknown = obj): T {
  const schema = info.definition?.schema;
  if (!schema) return obj;
  const found = scanFields(schema, scanned);
  if (found.unknown.length === 0 && found.empty.length === 0) return obj;
  if (found.unknown.length) {
    const unknown = found.unknown.map(formatFieldPath);
    if (ctx.fieldValidation === 'Strict') throw strictDecodingError(info.type, unknown);
    if (ctx.fieldValidation !== 'Ignore') ctx.warnings?.push(...unknownFieldWarnings(unknown));
  }
  const out = shared ? clone(obj) : obj;
  dropUnknownFields(out, [...found.unknown, ...found.empty]);
  return out;
}

/**
 * Server-side apply cannot hold a field its schema lacks, whatever fieldValidation says:
 * Kubernetes fails converting the patch to its typed form. (Kubernetes answers that with
 * a 500 without a reason; kubesim keeps its no-5xx rule and answers 400.)
 */
export function rejectUnknownApplyFields(info: ResourceInfo, namespace: string | undefined, name: string, applied: KubeObject): void {
  const schema = info.definition?.schema;
  if (!schema) return;
  const unknown = findUnknownFields(schema, applied);
  if (unknown.length === 0) return;
  const gvk = `${info.type.group}/${info.type.version}, Kind=${info.type.kind}`;
  const paths = unknown.map((p) => `.${applyPath(applied, p)}: field not declared in schema`);
  throw badRequest(`failed to create typed patch object (${namespace ?? ''}/${name}; ${gvk}): ${paths.join(', ')}`);
}

/** `spec.containers[0].foo` as structured-merge-diff prints it: list items by name where they have one */
function applyPath(obj: unknown, path: string): string {
  let v: unknown = obj;
  return (path.match(/[^.[\]]+|\[\d+\]/g) ?? []).reduce((out, part) => {
    if (part.startsWith('[')) {
      const item = Array.isArray(v) ? v[Number(part.slice(1, -1))] : undefined;
      v = item;
      const key = isPlainObject(item) && typeof item['name'] === 'string' ? `[name=${JSON.stringify(item['name'])}]` : part;
      return out + key;
    }
    v = isPlainObject(v) ? v[part] : undefined;
    return out ? `${out}.${part}` : part;
  }, '');
}

export function throwIfInvalid(info: ResourceInfo, name: string, causes: StatusCause[]): void {
  if (causes.length) throw invalid(info.type.kind, info.type.group, name, causes);
}

/** NamespaceLifecycle: a create into a missing (404) or terminating (403) namespace is refused */
export async function admitNamespace(core: RegistryCore, info: ResourceInfo, namespace: string | undefined, name: string): Promise<void> {
  if (!info.type.namespaced || !namespace) return;
  const nsInfo = core.info(resources.namespaces);
  const ns = await core.readCurrent(nsInfo, undefined, namespace);
  if (!ns) throw namespaceNotFound(namespace);
  if (isTerminating(ns.obj as NamespaceLike)) throw namespaceTerminating(info.type.resource, info.type.group, name, namespace);
}

/** spec-and-friends: everything but metadata and status (a change bumps generation) */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj as KubeObject & Record<string, unknown>;
  void _m;
  void _s;
  void _a;
  void _k;
  return rest;
}
