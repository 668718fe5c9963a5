// jsonEqual(a, b): the answer of `JSON.stringify(a) === JSON.stringify(b)`, found without
// building either string (event handlers compare parts of every informer update). Like
// JSON it sees key order, drops members whose value is undefined or a function, and
// writes NaN, ±Infinity, undefined and functions in arrays as null; objects with a
// toJSON method (a Date) are compared by their JSON text. (Plain data only: a boxed
// primitive, `new String('a')`, is not the value JSON writes for it.)

type Json = Record<string, unknown>;

/** how JSON.stringify writes a value that is not an object: a primitive, or `undefined` when it is left out */
function scalar(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
  if (typeof v === 'function' || typeof v === 'symbol') return undefined;
  return v;
}

/** inside an array, a value JSON leaves out is written as null */
function inArray(v: unknown): unknown {
  const s = typeof v === 'object' && v !== null ? v : scalar(v);
  return s === undefined ? null : s;
}

const present = (v: unknown): boolean => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';

const hasToJSON = (v: object): boolean => typeof (v as { toJSON?: unknown }).toJSON === 'function';

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const objA = typeof a === 'object' && a !== null;
  const objB = typeof b === 'object' && b !== null;
  if ((objA && hasToJSON(a)) || (objB && hasToJSON(b))) return JSON.stringify(a) === JSON.stringify(b);
  if (!objA || !objB) {
    if (objA || objB) return false;
    return scalar(a) === scalar(b);
  }
  const arrA = Array.isArray(a);
  if (arrA !== Array.isArray(b)) return false;
  if (arrA) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(inArray(x[i]), inArray(y[i]))) return false;
    return true;
  }
  return sameMembers(a as Json, b as Json);
}

/** the keys JSON writes, in order, with equal values */
function sameMembers(a: Json, b: Json): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < ka.length && !present(a[ka[i]!])) i++;
    while (j < kb.length && !present(b[kb[j]!])) j++;
    if (i === ka.length || j === kb.length) return i === ka.length && j === kb.length;
    if (ka[i] !== kb[j] || !jsonEqual(a[ka[i]!], b[kb[j]!])) return false;
    i++;
    j++;
  }
}
