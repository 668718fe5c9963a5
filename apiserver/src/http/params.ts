// Query parameters and option bodies of REST requests, read as Kubernetes reads them:
// list and watch options (selectors, limit/continue, resourceVersion[Match], bookmarks,
// timeoutSeconds), write options (dryRun=All, fieldManager ≤ 128 characters,
// fieldValidation Strict|Warn|Ignore, plus the User-Agent that names a default field
// manager), DeleteOptions (query and body), and Table's includeObject. Bad values are 400s
// (422 where Kubernetes answers Invalid) with Kubernetes' wording.
import { badRequest, failure } from '@kubesim/shared';
import type { DeleteOptions, ListOptions, WatchOptions } from '@kubesim/shared';
import type { FastifyRequest } from 'fastify';
import { isPlainObject } from '../registry/objects.ts';
import { invalidListOptions } from '../registry/list.ts';

/** one empty query for every URL without one: callers read queries, never change them */
const NO_QUERY = new URLSearchParams();

export function queryOf(url: string): URLSearchParams {
  const i = url.indexOf('?');
  return i >= 0 ? new URLSearchParams(url.slice(i + 1)) : NO_QUERY;
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?[0-9]+$/.test(v) || !Number.isSafeInteger(Number(v))) throw badRequest(`${name}: Invalid value: ${JSON.stringify(v)}: must be an integer`);
  return Number(v);
}

export function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  // Go's strconv.ParseBool, which Kubernetes uses: the Python client sends `watch=True`.
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw badRequest(`${name}: Invalid value: ${JSON.stringify(v)}: must be true or false`);
}

export function listOptionsOf(q: URLSearchParams, namespace: string | undefined): ListOptions {
  const o: ListOptions = {};
  if (namespace) o.namespace = namespace;
  const ls = q.get('labelSelector');
  if (ls) o.labelSelector = ls;
  const fs = q.get('fieldSelector');
  if (fs) o.fieldSelector = fs;
  const limit = intParam(q, 'limit');
  if (limit !== undefined) {
    if (limit < 0) throw badRequest(`limit: Invalid value: ${limit}: must be greater than or equal to 0`);
    o.limit = limit;
  }
  const cont = q.get('continue');
  if (cont) o.continue = cont;
  const rv = q.get('resourceVersion');
  if (rv !== null && rv !== '') o.resourceVersion = rv;
  const m = q.get('resourceVersionMatch');
  if (m) o.resourceVersionMatch = m as 'Exact';
  return o;
}

/** The options of a plain list (not a watch): those that only a watch uses are still
 *  decoded (a malformed one is a 400, as Kubernetes decodes every ListOptions field), and
 *  sendInitialEvents is refused, as Kubernetes' ValidateListOptions does. */
export function plainListOptionsOf(q: URLSearchParams, ns: string | undefined): ListOptions {
  intParam(q, 'timeoutSeconds');
  boolParam(q, 'allowWatchBookmarks');
  if (boolParam(q, 'sendInitialEvents') !== undefined) {
    throw invalidListOptions([{ reason: 'FieldValueForbidden', message: 'Forbidden: sendInitialEvents is forbidden for list', field: 'sendInitialEvents' }]);
  }
  return listOptionsOf(q, ns);
}

export function watchOptionsOf(q: URLSearchParams, ns: string | undefined): WatchOptions {
  const lo = listOptionsOf(q, ns);
  const w: WatchOptions = {};
  if (lo.namespace) w.namespace = lo.namespace;
  if (lo.labelSelector) w.labelSelector = lo.labelSelector;
  if (lo.fieldSelector) w.fieldSelector = lo.fieldSelector;
  if (lo.resourceVersion !== undefined) w.resourceVersion = lo.resourceVersion;
  const bm = boolParam(q, 'allowWatchBookmarks');
  if (bm) w.allowWatchBookmarks = true;
  const timeout = intParam(q, 'timeoutSeconds');
  if (timeout !== undefined && timeout > 0) w.timeoutSeconds = timeout;
  const sie = boolParam(q, 'sendInitialEvents');
  if (sie !== undefined) w.sendInitialEvents = sie;
  return w;
}

export interface HttpWriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  userAgent?: string;
  /** filled by the write; sent as `Warning` headers */
  warnings: string[];
}

export function writeOptionsOf(q: URLSearchParams, req: FastifyRequest): HttpWriteOptions {
  const o: HttpWriteOptions = { warnings: [] };
  const dry = q.getAll('dryRun');
  for (const d of dry) {
    if (d !== 'All') throw badRequest(`dryRun: Unsupported value: ${JSON.stringify(d)}: supported values: "All"`);
    o.dryRun = true;
  }
  const fm = q.get('fieldManager');
  if (fm !== null) {
    if (fm.length > 128) throw failure(422, 'Invalid', `fieldManager: Too long: may not be longer than 128`);
    o.fieldManager = fm;
  }
  const fv = q.get('fieldValidation');
  if (fv !== null && fv !== '' && fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
    throw badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(fv)}: supported values: "Ignore", "Strict", "Warn"`);
  }
  if (fv) o.fieldValidation = fv as 'Strict' | 'Warn' | 'Ignore';
  const ua = req.headers['user-agent'];
  if (ua) o.userAgent = ua;
  return o;
}

export function includeObjectOf(q: URLSearchParams): 'None' | 'Metadata' | 'Object' {
  const v = q.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`includeObject: Unsupported value: ${JSON.stringify(v)}: supported values: "None", "Metadata", "Object"`);
}

export function deleteOptionsOf(q: URLSearchParams, body: unknown): DeleteOptions & { dryRun?: string[] } {
  const o: DeleteOptions = {};
  if (body !== undefined) {
    if (!isPlainObject(body)) throw badRequest('DeleteOptions in body must be a JSON object');
    Object.assign(o, body);
  }
  const g = intParam(q, 'gracePeriodSeconds');
  if (g !== undefined) o.gracePeriodSeconds = g;
  const p = q.get('propagationPolicy');
  if (p) o.propagationPolicy = p as NonNullable<DeleteOptions['propagationPolicy']>;
  const orphan = boolParam(q, 'orphanDependents');
  if (orphan !== undefined) o.orphanDependents = orphan;
  if (o.propagationPolicy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(o.propagationPolicy)) {
    throw failure(422, 'Invalid', `propagationPolicy: Unsupported value: ${JSON.stringify(o.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan"`);
  }
  if (o.propagationPolicy !== undefined && o.orphanDependents !== undefined) {
    throw failure(422, 'Invalid', 'propagationPolicy: Invalid value: "' + o.propagationPolicy + '": orphanDependents and deletionPropagation cannot be both set');
  }
  if (o.gracePeriodSeconds !== undefined && (typeof o.gracePeriodSeconds !== 'number' || !Number.isInteger(o.gracePeriodSeconds))) {
    throw badRequest('gracePeriodSeconds must be an integer');
  }
  if (o.dryRun !== undefined && (!Array.isArray(o.dryRun) || o.dryRun.some((d) => d !== 'All'))) {
    throw badRequest(`dryRun: Unsupported value: ${JSON.stringify(o.dryRun)}: supported values: "All"`);
  }
  return o;
}
