// The heartbeat's shortcut. Kubernetes runs every update through the same steps - default,
// record managedFields, validate, compare - and so does kubesim, except for the write that
// dominates a simulated cluster's traffic: a kubelet renewing its Lease every 10 s, which
// changes spec.renewTime and nothing else. A kind may declare "free leaves" (its strategy's
// `freeLeaves`): string fields no defaulting reads or sets and no validation rule reads, so
// their value is constrained by its type alone (Lease: spec.renewTime and spec.acquireTime).
// An in-process update that borrowed everything else from a well-typed stored state (see
// borrowing.ts) and changed only free leaves, to other strings, that its writer already
// owns through an Update entry (and no other manager does), can skip those steps: defaulting
// and validation would find what they found for the stored state, and managedFields change
// only by the writer's entry getting the new time. It gives exactly what the full path gives
// (free-leaf-update.test.ts checks that on random writes); anything else takes the full path.
import type { KubeObject, ManagedFieldsEntry } from '@kubesim/shared';
import { isCanonicalEntries, noteCanonicalEntries } from '../patch/canonical-entries.ts';
import type { ResourceInfo } from './core.ts';
import { isPlainObject } from './objects.ts';

type Rec = Record<string, unknown>;

/**
 * The managedFields of `next` when the update from `old` to `next` changed only free leaves
 * that `manager` owns (see the top of this file); undefined when the full path must decide.
 * `next` is the update's object as applyUpdate has made it before defaulting: old's
 * identity fields set, no resourceVersion, members other than the free leaves' parents
 * borrowed from `old` (the same objects) or equal primitives.
 */
export function freeLeafManagedFields(info: ResourceInfo, next: KubeObject, old: KubeObject, manager: string, now: string): ManagedFieldsEntry[] | undefined {
  const leaves = info.strategy.freeLeaves;
  if (leaves === undefined || info.strategy.validate !== undefined || info.strategy.hasStatus) return undefined;
  const entries = old.metadata.managedFields;
  // (only trees known canonical: the writer's ownership is read straight off them)
  if (entries === undefined || !isCanonicalEntries(entries)) return undefined;
  const changed = changedFreeLeaves(next as unknown as Rec, old as unknown as Rec, leaves);
  if (changed === undefined || changed.length === 0) return undefined;
  let mine = -1;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const writer = e.manager === manager && e.operation === 'Update' && e.subresource === undefined;
    if (writer && mine >= 0) return undefined; // (two entries of the writer: the full path)
    for (const [parent, field] of changed) {
      const owned = ownsLeaf(e.fieldsV1, parent, field);
      if (owned !== writer) return undefined; // the writer lacks it, or another manager has it
    }
    if (writer) mine = i;
  }
  if (mine < 0) return undefined;
  const apiVersion = next.apiVersion ?? old.apiVersion;
  const out: ManagedFieldsEntry[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const fieldsV1 = e.fieldsV1 as Rec;
    // (as the full bookkeeping writes them: the same keys in the same order)
    out.push(i === mine ? { ...e, time: now, apiVersion: apiVersion!, fieldsType: 'FieldsV1', fieldsV1 } : { ...e, fieldsType: 'FieldsV1', fieldsV1 });
  }
  // (the same trees: as canonical as before)
  noteCanonicalEntries(out);
  return out;
}

/** the free leaves whose value differs between `next` and `old`, or undefined when
 *  anything else differs (a member added, removed or not old's own; a leaf not a string) */
function changedFreeLeaves(next: Rec, old: Rec, leaves: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> | undefined {
  const changed: Array<readonly [string, string]> = [];
  let n = 0;
  for (const k in next) {
    const v = next[k];
    if (v === undefined) return undefined;
    n++;
    const was = old[k];
    if (v === was) continue;
    if (!(k === 'metadata' ? borrowedMetadata(v, was) : onlyFreeLeavesDiffer(k, v, was, leaves, changed))) return undefined;
  }
  return n === definedMembers(old) ? changed : undefined;
}

/** the members of `parent` differ at free leaves alone, from strings to strings (added to
 *  `changed`) */
function onlyFreeLeavesDiffer(parent: string, v: unknown, was: unknown, leaves: ReadonlyArray<readonly [string, string]>, changed: Array<readonly [string, string]>): boolean {
  if (!isPlainObject(v) || !isPlainObject(was)) return false;
  let n = 0;
  for (const f in v) {
    const x = v[f];
    if (x === undefined) return false;
    n++;
    const y = was[f];
    if (x === y) continue;
    if (typeof x !== 'string' || typeof y !== 'string' || !leaves.some(([p, l]) => p === parent && l === f)) return false;
    changed.push([parent, f]);
  }
  return n === definedMembers(was);
}

/** metadata with old's members (the same objects, or equal primitives) but for the
 *  resourceVersion, which the update has removed (managedFields are still old's here) */
function borrowedMetadata(meta: unknown, oldMeta: unknown): boolean {
  if (!isPlainObject(meta) || !isPlainObject(oldMeta)) return false;
  let n = 0;
  for (const k in meta) {
    const v = meta[k];
    if (v === undefined) continue;
    if (k === 'resourceVersion' || v !== oldMeta[k]) return false;
    n++;
  }
  return n === definedMembers(oldMeta, 'resourceVersion');
}

/** how many members of `o` (but `except`) are not undefined */
function definedMembers(o: Rec, except?: string): number {
  let n = 0;
  for (const k in o) if (k !== except && o[k] !== undefined) n++;
  return n;
}

/** whether a FieldsV1 tree holds `f:<parent>` → `f:<field>` as a field of its own (a leaf,
 *  or a node marked ".") */
function ownsLeaf(fieldsV1: unknown, parent: string, field: string): boolean {
  if (!isPlainObject(fieldsV1)) return false;
  const p = fieldsV1[`f:${parent}`];
  if (!isPlainObject(p)) return false;
  const leaf = p[`f:${field}`];
  if (!isPlainObject(leaf)) return false;
  for (const k in leaf) return k === '.';
  return true;
}
