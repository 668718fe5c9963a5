// managedFields arrays known to be in canonical form: made or kept by restamp.ts, whose walk
// checks every tree it keeps and builds every tree it makes in that form. A later write may
// then read ownership straight off their trees (registry/free-leaf-update.ts). Keyed by the
// array itself: a stored state keeps the array its write made (until it is parsed again
// from JSON, which makes a new, unmarked one).
import type { ManagedFieldsEntry } from '@kubesim/shared';

const canonical = new WeakSet<readonly ManagedFieldsEntry[]>();

export function noteCanonicalEntries(entries: readonly ManagedFieldsEntry[] | undefined): void {
  if (entries !== undefined) canonical.add(entries);
}

export function isCanonicalEntries(entries: readonly ManagedFieldsEntry[]): boolean {
  return canonical.has(entries);
}
