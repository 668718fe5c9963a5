// managedFields arrays known to be in canonical form: made or kept by restamp.ts, whose walk
// checks every tree it keeps and builds every tree it makes in that form. A later write may
// then read ownership straight off their trees (registry/free-leaf-update.ts). Marked on the
// array itself, and trusted only once frozen: a stored state keeps the array its write made
// (until it is parsed again from JSON, which makes a new, unmarked one), and in process its
// watchers freeze it.
import type { ManagedFieldsEntry } from '@kubesim/shared';

// The mark: a non-enumerable symbol member of the array itself (JSON, copies, spreads and
// Object.keys leave it behind), set before the array is frozen; an array already frozen
// (kept unchanged from the stored state) is remembered in a WeakSet instead, which costs a
// weak table entry (about 0.3-1 µs a write), so only that rare case uses it.
const CANONICAL = Symbol('kubesim.canonicalEntries');
const frozenCanonical = new WeakSet<readonly ManagedFieldsEntry[]>();

export function noteCanonicalEntries(entries: readonly ManagedFieldsEntry[] | undefined): void {
  if (entries === undefined || (entries as { [CANONICAL]?: true })[CANONICAL]) return;
  if (Object.isFrozen(entries)) frozenCanonical.add(entries);
  else Object.defineProperty(entries, CANONICAL, { value: true });
}

/** whether `entries` were marked and are frozen (so nothing changed them since: a stored
 *  state's, shared with in-process watchers) */
export function isCanonicalEntries(entries: readonly ManagedFieldsEntry[]): boolean {
  return Object.isFrozen(entries) && ((entries as { [CANONICAL]?: true })[CANONICAL] === true || frozenCanonical.has(entries));
}
