// managedFields arrays known to be in canonical form: made or kept by restamp.ts, whose walk
// checks every tree it keeps and builds every tree it makes in that form. A later write may
// then read ownership straight off their trees (registry/free-leaf-update.ts). Keyed by the
// array itself, and trusted only once frozen: a stored state keeps the array its write made
// (until it is parsed again from JSON, which makes a new, unmarked one), and in process its
// watchers freeze it.
import type { ManagedFieldsEntry } from '@kubesim/shared';

const canonical = new WeakSet<readonly ManagedFieldsEntry[]>();

export function noteCanonicalEntries(entries: readonly ManagedFieldsEntry[] | undefined): void {
  if (entries !== undefined) canonical.add(entries);
}

/** whether `entries` were marked and are frozen (so nothing changed them since: a stored
 *  state's, shared with in-process watchers) */
export function isCanonicalEntries(entries: readonly ManagedFieldsEntry[]): boolean {
  return canonical.has(entries) && Object.isFrozen(entries);
}
