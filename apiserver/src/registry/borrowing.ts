// Borrowing in an update's body: an in-process caller that read an object (a watch event, or
// a write's `answer: 'shared'`) gets the deep-frozen stored state itself, and often sends
// most of it back unchanged - a kubelet renewing its Lease changes spec.renewTime and sends
// the rest as it got it. Where a member of the body (top level, or one level into metadata)
// is the very object the stored state holds there, the update's working copy borrows it
// instead of copying it, and skips it when looking for unknown fields: it is the stored
// state's own, so pruned, defaulted and valid already. Everything else is copied, and the
// update treats borrowed members as it treats a status borrowed from the stored state: they
// are never written into (a write into one throws, and defaulting then works on copies), and
// the caller's answer gets copies. Over HTTP nothing is borrowed: a decoded body shares
// nothing with the stored state. Also here, the other half of the same idea: the stored
// state's members an update keeps (a status write keeps all but the status, a
// main-resource write the status) are borrowed when that state is frozen, and `answerOf`
// gives the caller copies of whatever was borrowed.
import type { KubeObject, ManagedFieldsEntry } from '@kubesim/shared';
import type { ResourceInfo } from './core.ts';
import { clone, isPlainObject } from './objects.ts';

type Rec = Record<string, unknown>;

const isObject = (v: unknown): v is object => v !== null && typeof v === 'object';

/** a member as clone() copies it (primitives as JSON has them, without the round trip) */
function copied(v: unknown): unknown {
  if (isObject(v)) return clone(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v + 0 : null;
  return v;
}

/** whether an update may borrow: a status write (it takes status alone), or a
 *  main-resource write whose preparation writes into nothing but the top level and
 *  metadata (not Services, whose allocated values are patched into spec; not kinds with a
 *  prepareForUpdate) */
export function mayBorrow(info: ResourceInfo, ctx: { subresource?: string }): boolean {
  if (ctx.subresource === 'status') return true;
  if (ctx.subresource !== undefined || info.strategy.prepareForUpdate) return false;
  return !(info.type.group === '' && info.type.resource === 'services');
}

/** a plain object whose members a for-in walk and a plain copy see as JSON does */
function isPlainData(v: unknown): v is Rec {
  if (!isObject(v) || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function' && !Object.hasOwn(v, '__proto__');
}

/**
 * The update's working copy of `input`: a new top level and metadata; members (of either)
 * that are `old`'s own objects at the same place borrowed, the rest copied as clone() would.
 * `old` must be deep-frozen. A body that is not plain data is copied whole.
 */
export function borrowingCopy(input: KubeObject, old: KubeObject): KubeObject {
  const src = input as unknown as Rec;
  if (!isPlainData(src) || !isPlainData(src['metadata'])) return clone(input);
  return borrowMembers(src, old as unknown as Rec, 'metadata') as unknown as KubeObject;
}

/** `src`'s members in order (but undefined, functions and symbols, as JSON leaves them
 *  out): those that are `from`'s own objects under the same name borrowed, the rest copied;
 *  the member named `into` made the same way, one level down */
function borrowMembers(src: Rec, from: Rec, into?: string): Rec {
  const out: Rec = {};
  for (const k of Object.keys(src)) {
    const v = src[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out[k] = k === into ? borrowMembers(v as Rec, from[k] as Rec) : isObject(v) && v === from[k] ? v : copied(v);
  }
  return out;
}

/** what of a borrowing copy is not borrowed (members in their order, metadata's too): where
 *  unknown fields may be */
export function unborrowedPart(copy: KubeObject, old: KubeObject): Rec {
  return unborrowed(copy as unknown as Rec, old as unknown as Rec, 'metadata');
}

/** `src`'s members that are not `from`'s own objects under the same name, in order; the
 *  member named `into` (when plain data) the same way, one level down */
function unborrowed(src: Rec, from: Rec, into?: string): Rec {
  const out: Rec = {};
  for (const k of Object.keys(src)) {
    const v = src[k];
    if (k === into && isPlainData(v)) out[k] = unborrowed(v, from[k] as Rec);
    else if (!(isObject(v) && v === from[k])) out[k] = v;
  }
  return out;
}

// ---- the stored state's members an update keeps, and the answer ----

/** `old` with `status` in place of its status (members in their order; a status that was
 *  not there comes last, none when `status` is undefined): a private copy, or with `borrow`
 *  old's own members but for a copy of metadata's first level */
export function withStatus(old: KubeObject, status: unknown, borrow: boolean): KubeObject & Record<string, unknown> {
  const src = old as KubeObject & Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let placed = false;
  for (const k of Object.keys(src)) {
    if (k === 'status') {
      placed = true;
      if (status !== undefined) out[k] = status;
    } else {
      const v = src[k];
      if (v === undefined) continue;
      if (v === null || typeof v !== 'object') out[k] = v;
      else if (!borrow) out[k] = clone(v);
      else out[k] = k === 'metadata' ? { ...v } : v;
    }
  }
  if (!placed && status !== undefined) out['status'] = status;
  return out as KubeObject & Record<string, unknown>;
}

/** the values of `next` that are `old`'s own (borrowed: see applyUpdate) replaced by
 *  copies; metadata keeps its identity (only its members are copied) */
export function returnBorrowed(next: KubeObject, old: KubeObject): void {
  const n = next as KubeObject & Record<string, unknown>;
  const o = old as KubeObject & Record<string, unknown>;
  for (const k of Object.keys(n)) if (k !== 'metadata' && isObject(n[k]) && n[k] === o[k]) n[k] = clone(n[k]);
  const meta = n.metadata as Record<string, unknown>;
  const oldMeta = o.metadata as Record<string, unknown>;
  for (const k of Object.keys(meta)) if (isObject(meta[k]) && meta[k] === oldMeta[k]) meta[k] = clone(meta[k]);
}

/** a merge-patched object whose parts beside the patched path are the stored state's:
 *  its own top level, metadata (shallow) and status, the rest still shared */
export function withOwnStatus(patched: Record<string, unknown>): Record<string, unknown> {
  const out = { ...patched };
  const meta = out['metadata'];
  if (isPlainObject(meta)) out['metadata'] = { ...meta };
  if (out['status'] !== undefined) out['status'] = clone(out['status']);
  return out;
}

/** `next` as the caller may have it: the managedFields entries (or FieldsV1 trees) the
 *  bookkeeping kept from the stored state `old`, which is shared, are copied */
export function answerOf(next: KubeObject, old: KubeObject, borrowed: boolean): KubeObject {
  if (borrowed) returnBorrowed(next, old);
  const entries = next.metadata.managedFields;
  const before = old.metadata.managedFields;
  if (entries?.length && before?.length) next.metadata.managedFields = unshared(entries, before);
  return next;
}

function unshared(entries: ManagedFieldsEntry[], old: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  return entries.map((e) => {
    if (old.includes(e)) return clone(e);
    const fieldsV1 = e.fieldsV1;
    return fieldsV1 !== undefined && old.some((o) => o.fieldsV1 === fieldsV1) ? { ...e, fieldsV1: clone(fieldsV1) } : e;
  });
}
