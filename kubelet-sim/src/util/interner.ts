// Interning for the pod cache: JSON.parse gives every pod its own copy of each string, so
// 10,000 cached pods hold 10,000 copies of "registry.k8s.io/pause:3.10", of "ContainersReady",
// of "IfNotPresent" and of each second's timestamp. `internStrings(obj, interner)` replaces,
// in place, every short string in a freshly decoded object by one shared copy. Objects that
// are already frozen (the in-process client hands every watcher one shared object) are left
// as they are. The table is bounded: once full it starts afresh, which only costs sharing.
// `internShared(next, prev, interner)` does the same for a newer version of a cached object:
// every part of `next` equal to the same part of `prev` is replaced by prev's (a status
// update then keeps the old spec and metadata whole), and only what changed is interned.

const MAX_LENGTH = 100;

export class Interner {
  readonly #max: number;
  #table = new Map<string, string>();

  constructor(max = 50_000) {
    this.#max = max;
  }

  get size(): number {
    return this.#table.size;
  }

  intern(s: string): string {
    if (s.length > MAX_LENGTH) return s;
    const seen = this.#table.get(s);
    if (seen !== undefined) return seen;
    if (this.#table.size >= this.#max) this.#table = new Map();
    this.#table.set(s, s);
    return s;
  }
}

/** replace the short strings of `value` (recursively, in place) by interned copies */
export function internStrings(value: unknown, interner: Interner): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') value[i] = interner.intern(v);
      else if (v !== null && typeof v === 'object') internStrings(v, interner);
    }
    return;
  }
  const rec = value as Record<string, unknown>;
  for (const k in rec) {
    const v = rec[k];
    if (typeof v === 'string') rec[k] = interner.intern(v);
    else if (v !== null && typeof v === 'object') internStrings(v, interner);
  }
}

/**
 * Intern `next` (in place) against `prev`, the cached older version of the same object:
 * each string, object or array of `next` that equals the one at the same place in `prev` is
 * replaced by prev's; the rest is interned. Returns true when `next` equals `prev` as a
 * whole (the caller may then use prev's value). `prev` is only read (it may be frozen).
 */
export function internShared(next: unknown, prev: unknown, interner: Interner): boolean {
  if (next === prev) return true;
  if (next === null || typeof next !== 'object' || Object.isFrozen(next)) return false;
  if (prev === null || typeof prev !== 'object' || Array.isArray(next) !== Array.isArray(prev)) {
    internStrings(next, interner);
    return false;
  }
  let same = true;
  if (Array.isArray(next)) {
    const old = prev as unknown[];
    if (next.length !== old.length) same = false;
    const items = next as unknown as Record<number, unknown>; // indexed as internMember indexes a map
    for (let i = 0; i < next.length; i++) if (!internMember(items, i, i < old.length ? old[i] : undefined, interner)) same = false;
    return same;
  }
  const rec = next as Record<string, unknown>;
  const old = prev as Record<string, unknown>;
  let keys = 0;
  for (const k in rec) {
    keys++;
    if (!internMember(rec, k, old[k], interner)) same = false;
  }
  if (!same) return false;
  // equal only with the same keys in the same order (prev's copy is serialized as it is)
  const oldKeys = Object.keys(old);
  if (oldKeys.length !== keys) return false;
  let i = 0;
  for (const k in rec) if (k !== oldKeys[i++]) return false;
  return true;
}

/** internShared for one member of `container` (an array index or a field), whose old
 *  counterpart is `o`: the member becomes `o` when equal, else its strings are interned;
 *  whether it was equal */
function internMember(container: Record<string | number, unknown>, key: string | number, o: unknown, interner: Interner): boolean {
  const v = container[key];
  if (typeof v === 'string') {
    if (v === o) {
      container[key] = o;
      return true;
    }
    container[key] = interner.intern(v);
    return false;
  }
  if (v !== null && typeof v === 'object') {
    if (!internShared(v, o, interner)) return false;
    container[key] = o;
    return true;
  }
  return v === o;
}
