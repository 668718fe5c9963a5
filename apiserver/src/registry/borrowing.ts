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
// nothing with the stored state.
import type { KubeObject } from '@kubesim/shared';
import type { ResourceInfo } from './core.ts';
import { clone } from './objects.ts';

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
  const meta = src['metadata'];
  if (!isPlainData(src) || !isPlainData(meta)) return clone(input);
  const from = old as unknown as Rec;
  const out: Rec = {};
  for (const k of Object.keys(src)) {
    const v = src[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (k === 'metadata') out[k] = borrowMembers(meta, from['metadata'] as Rec);
    else out[k] = isObject(v) && v === from[k] ? v : copied(v);
  }
  return out as unknown as KubeObject;
}

function borrowMembers(meta: Rec, oldMeta: Rec): Rec {
  const out: Rec = {};
  for (const k of Object.keys(meta)) {
    const v = meta[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out[k] = isObject(v) && v === oldMeta[k] ? v : copied(v);
  }
  return out;
}

/** what of a borrowing copy is not borrowed (members in their order, metadata's too): where
 *  unknown fields may be */
export function unborrowedPart(copy: KubeObject, old: KubeObject): Rec {
  const src = copy as unknown as Rec;
  const from = old as unknown as Rec;
  const oldMeta = from['metadata'] as Rec;
  const out: Rec = {};
  for (const k of Object.keys(src)) {
    const v = src[k];
    if (k === 'metadata' && isPlainData(v)) {
      const meta: Rec = {};
      for (const m of Object.keys(v)) if (!(isObject(v[m]) && v[m] === oldMeta[m])) meta[m] = v[m];
      out[k] = meta;
    } else if (!(isObject(v) && v === from[k])) out[k] = v;
  }
  return out;
}
