// Interning for the pod cache: JSON.parse gives every pod its own copy of each string, so
// 10,000 cached pods hold 10,000 copies of "registry.k8s.io/pause:3.10", of "ContainersReady",
// of "IfNotPresent" and of each second's timestamp. `internStrings(obj, interner)` replaces,
// in place, every short string in a freshly decoded object by one shared copy. Objects that
// are already frozen (the in-process client hands every watcher one shared object) are left
// as they are. The table is bounded: once full it starts afresh, which only costs sharing.

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
