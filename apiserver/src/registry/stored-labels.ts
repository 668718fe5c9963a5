// metadata.labels read straight from a stored value, without parsing the whole object: a
// list or watch filtered by a label selector alone then parses only the labels. Stored
// values are JSON.stringify output (no whitespace, no repeated keys) with metadata near
// the front, as cached-object.ts writes them. `scanStoredLabels(value)` gives the labels
// exactly as JSON.parse(value).metadata.labels would (undefined when absent), or NOT_SCANNED
// for any value that does not look like that, for the caller to parse in full.

export const NOT_SCANNED = Symbol('not scanned');

const META = '"metadata":{';
const QUOTE = 34;
const BACKSLASH = 92;

/** index just past the JSON string starting at `i` (a quote), or -1 */
function skipString(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j + 1;
  }
  return -1;
}

const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

/** index just past the JSON value starting at `i`, or -1 */
function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === QUOTE) return skipString(s, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s.charCodeAt(j);
      if (d === QUOTE) {
        j = skipString(s, j) - 1;
        if (j < 0) return -1;
      } else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  // a number, true, false or null: up to the next delimiter
  let j = i;
  for (; j < s.length; j++) {
    const d = s.charCodeAt(j);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET) break;
  }
  return j > i ? j : -1;
}

export function scanStoredLabels(value: string): Record<string, string> | undefined | typeof NOT_SCANNED {
  const at = value.indexOf(META);
  if (at < 0 || at > 400) return NOT_SCANNED;
  let i = at + META.length;
  let labels: string | undefined;
  if (value.charCodeAt(i) === CLOSE_BRACE) return undefined;
  for (;;) {
    if (value.charCodeAt(i) !== QUOTE) return NOT_SCANNED;
    const keyEnd = skipString(value, i);
    if (keyEnd < 0 || value.charCodeAt(keyEnd) !== COLON) return NOT_SCANNED;
    // a key spelled with escapes is compared decoded
    const raw = value.slice(i + 1, keyEnd - 1);
    const key = raw.includes('\\') ? (JSON.parse(value.slice(i, keyEnd)) as string) : raw;
    const start = keyEnd + 1;
    const end = skipValue(value, start);
    if (end < 0) return NOT_SCANNED;
    if (key === 'labels') {
      if (labels !== undefined) return NOT_SCANNED; // a repeated key: JSON.parse keeps the last
      labels = value.slice(start, end);
    }
    const next = value.charCodeAt(end);
    if (next === CLOSE_BRACE) break;
    if (next !== COMMA) return NOT_SCANNED;
    i = end + 1;
  }
  return labels === undefined ? undefined : (JSON.parse(labels) as Record<string, string>);
}
