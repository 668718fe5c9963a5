// Canonical JSON (object keys sorted, undefined dropped) and the deep equality it gives.
// Objects read back from the apiserver may order keys differently from the ones a
// controller builds, so controllers compare with this, never with plain JSON.stringify.

export function canonicalJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(',')}]`;
  if (value && typeof value === 'object') {
    const rec = value as Record<string, unknown>;
    const keys = Object.keys(rec).filter((k) => rec[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJSON(rec[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** canonicalJSON(a) === canonicalJSON(b), found by walking both (no strings built:
 *  controllers compare statuses on every sync) */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b && typeof a !== 'bigint') return true;
  const aObj = typeof a === 'object' && a !== null;
  const bObj = typeof b === 'object' && b !== null;
  if (!aObj || !bObj) {
    // a primitive's JSON never reads as an array's or an object's
    return !aObj && !bObj && canonicalJSON(a) === canonicalJSON(b);
  }
  const aArr = Array.isArray(a);
  if (aArr !== Array.isArray(b)) return false;
  if (aArr) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k of Object.keys(x)) {
    if (x[k] === undefined) continue;
    defined++;
    if (!Object.prototype.hasOwnProperty.call(y, k) || y[k] === undefined || !deepEqual(x[k], y[k])) return false;
  }
  for (const k of Object.keys(y)) if (y[k] !== undefined) defined--;
  return defined === 0;
}
