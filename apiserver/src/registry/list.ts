// LIST: a consistent page of one resource, as Kubernetes defines resourceVersion,
// resourceVersionMatch, limit and continue:
//   rv unset        most recent: wait until the watch cache has the store's revision, serve it
//   rv "0"          any: the cache as it is
//   rv N            not older than N (the cache once it reached N); with limit, or with
//                   resourceVersionMatch=Exact, exactly N (read from the store at N)
//   continue        the next page of the snapshot the token names (store at its revision)
// A page stops at `limit` matching items; the token then carries the snapshot revision and
// the last key, so every page of one list comes from the same revision.
import { badRequest, failure } from '@kubesim/shared';
import type { ApiError, ListOptions, StatusCause } from '@kubesim/shared';
import { CachedObject } from './cached-object.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { parseResourceVersion, storeReadError } from './core.ts';
import type { RegistryCore, ResourceInfo } from './core.ts';
import { makeFilter, matches } from './filter.ts';
import type { ObjectFilter } from './filter.ts';
import { listPrefix } from './keys.ts';

export interface ListResult {
  items: CachedObject[];
  /** the revision the list was read at */
  revision: number;
  continue?: string;
  remainingItemCount?: number;
}

const CACHE_WAIT_MS = 3000;

export function filterFor(info: ResourceInfo, opts: { labelSelector?: string; fieldSelector?: string }): ObjectFilter | undefined {
  return makeFilter(opts.labelSelector, opts.fieldSelector, info.definition, info.type.namespaced, info.type.kind, info.apiVersion);
}

/** Kubernetes' 422 for list options that contradict each other (ValidateListOptions):
 *  `ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: ...` */
export function invalidListOptions(causes: StatusCause[]): ApiError {
  const list = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return failure(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${causes.length === 1 ? list : `[${list}]`}`, { name: '', group: 'meta.k8s.io', kind: 'ListOptions', causes });
}

const forbiddenField = (field: string, detail: string): StatusCause => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field });

export function checkListOptions(opts: ListOptions): void {
  const match = opts.resourceVersionMatch as string | undefined;
  const causes: StatusCause[] = [];
  if (match) {
    if (!opts.resourceVersion) causes.push(forbiddenField('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (opts.continue) causes.push(forbiddenField('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(match)}: supported values: "Exact", "NotOlderThan", ""`, field: 'resourceVersionMatch' });
    }
    if (match === 'Exact' && opts.resourceVersion === '0') causes.push(forbiddenField('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (causes.length) throw invalidListOptions(causes);
  if (opts.continue && opts.resourceVersion && opts.resourceVersion !== '0') throw badRequest('specifying resource version is not allowed when using continue');
  if (opts.limit !== undefined && (!Number.isSafeInteger(opts.limit) || opts.limit < 0)) throw badRequest(`limit: Invalid value: ${opts.limit}: must be a non-negative integer`);
}

export async function listObjects(core: RegistryCore, info: ResourceInfo, opts: ListOptions): Promise<ListResult> {
  checkListOptions(opts);
  const namespace = core.namespaceFor(info, opts.namespace, true);
  const filter = filterFor(info, opts);
  const prefix = listPrefix(info.type, namespace);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;

  if (opts.continue) {
    const token = decodeContinue(opts.continue, prefix);
    if (token.rv < core.store.compactedRevision()) {
      throw failure(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      );
    }
    return fromStore(core, prefix, token.rv, token.start, limit, filter);
  }

  const rv = parseResourceVersion(opts.resourceVersion);
  const exact = rv !== undefined && rv !== 0 && (opts.resourceVersionMatch === 'Exact' || (opts.resourceVersionMatch === undefined && limit > 0));
  if (exact) return fromStore(core, prefix, rv, undefined, limit, filter);

  if (rv === 0) {
    if (core.cache.ready) return fromSnapshot(core, info, prefix, limit, filter);
    return fromStore(core, prefix, undefined, undefined, limit, filter);
  }
  const target = rv ?? core.store.currentRevision();
  if (await core.cache.waitForRevision(target, CACHE_WAIT_MS)) return fromSnapshot(core, info, prefix, limit, filter);
  if (rv !== undefined && rv > core.store.currentRevision()) {
    throw failure(504, 'Timeout', `Too large resource version: ${rv}, current: ${core.store.currentRevision()}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
  }
  return fromStore(core, prefix, undefined, undefined, limit, filter);
}

function fromSnapshot(core: RegistryCore, info: ResourceInfo, prefix: string, limit: number, filter: ObjectFilter | undefined): ListResult {
  const snap = core.cache.snapshot(info.prefix, prefix);
  const all = snap.items;
  if (!limit && !filter) return { items: all, revision: snap.revision };
  const items: CachedObject[] = [];
  let i = 0;
  for (; i < all.length; i++) {
    if (limit && items.length >= limit) break;
    const o = all[i]!;
    if (!filter || matches(filter, o)) items.push(o);
  }
  const result: ListResult = { items, revision: snap.revision };
  if (limit && i < all.length && items.length > 0) {
    result.continue = encodeContinue({ rv: snap.revision, start: items[items.length - 1]!.key });
    if (!filter) result.remainingItemCount = all.length - i;
  }
  return result;
}

async function fromStore(core: RegistryCore, prefix: string, revision: number | undefined, startAfter: string | undefined, limit: number, filter: ObjectFilter | undefined): Promise<ListResult> {
  const items: CachedObject[] = [];
  let after = startAfter;
  let rev = revision;
  let more = false;
  let lastKey: string | undefined;
  for (;;) {
    const chunk = limit ? Math.max(limit - items.length, filter ? 100 : 0) : 0;
    const opts: { revision?: number; startAfter?: string; limit?: number } = {};
    if (rev !== undefined) opts.revision = rev;
    if (after !== undefined) opts.startAfter = after;
    if (chunk) opts.limit = chunk;
    const res = await core.store.range(prefix, opts).catch((err: unknown) => {
      throw storeReadError(err);
    });
    rev = res.revision;
    let stoppedEarly = false;
    for (let i = 0; i < res.kvs.length; i++) {
      const kv = res.kvs[i]!;
      if (limit && items.length >= limit) {
        stoppedEarly = true;
        break;
      }
      lastKey = kv.key;
      const o = new CachedObject(kv.key, kv.modRevision, kv.createRevision, kv.value);
      if (!filter || matches(filter, o)) items.push(o);
    }
    if (stoppedEarly) {
      more = true;
      break;
    }
    if (!res.more) break;
    if (limit && items.length >= limit) {
      more = true;
      break;
    }
    after = res.kvs.length ? res.kvs[res.kvs.length - 1]!.key : after;
  }
  const result: ListResult = { items, revision: rev ?? core.store.currentRevision() };
  if (more && lastKey !== undefined) result.continue = encodeContinue({ rv: result.revision, start: lastKey });
  return result;
}
