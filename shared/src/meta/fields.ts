// Field selectors, as k8s.io/apimachinery/pkg/fields: `parseFieldSelector('spec.nodeName=n1,
// status.phase!=Failed')` gives a FieldSelector with `matches(fields)` over a flat
// `{ 'metadata.name': 'web', ... }` map (each kind decides which fields it exposes; the
// apiserver rejects others). Only `=`, `==` and `!=` exist; a missing field reads as ''.
// In values, `\` escapes `\`, `,` and `=`; terms are sorted, so toString() is canonical.

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  /** unescaped */
  readonly value: string;
}

export type Fields = Readonly<Record<string, string>>;

export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSelectorError';
  }
}

/** `a\b,c=d` → `a\\b\,c\=d`: a literal made safe for a selector value */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** the inverse of escapeFieldValue; rejects unknown escapes and bare `,` or `=` as Kubernetes does */
export function unescapeFieldValue(value: string): string {
  let out = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      // Kubernetes prints the rune's code point here
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

export class FieldSelector {
  readonly requirements: readonly FieldRequirement[];

  constructor(requirements: readonly FieldRequirement[]) {
    this.requirements = Object.freeze(requirements.map((r) => Object.freeze({ ...r })));
  }

  /** a missing field compares as '' */
  matches(fields: Fields | undefined): boolean {
    return this.requirements.every((r) => {
      const actual = fields !== undefined && Object.hasOwn(fields, r.field) ? fields[r.field] : '';
      return r.operator === '!=' ? actual !== r.value : actual === r.value;
    });
  }

  /** true when there are no requirements (matches everything) */
  empty(): boolean {
    return this.requirements.length === 0;
  }

  /** `RequiresExactMatch`: the value a `field=value` term pins, if any (e.g. spec.nodeName for a kubelet's watch) */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
  }

  /** `a=b,c!=d`; `==` prints as `=`, values escaped */
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeFieldValue(r.value)}`).join(',');
  }
}

export const everythingFields = new FieldSelector([]);

/** comma-separated terms; an escaped comma stays inside its term, backslash included */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** the first operator in the term splits it; `!=` and `==` are tried before `=` at each position */
function splitTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/** fields.ParseSelector: the `?fieldSelector=` form; '' is everything. */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, operator, raw] = split;
    reqs.push({ field, operator, value: unescapeFieldValue(raw) });
  }
  return new FieldSelector(reqs);
}

/** fields.SelectorFromSet: `field=value` for each entry, sorted by field */
export function fieldSelectorFromSet(set: Fields): FieldSelector {
  const entries = Object.entries(set).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new FieldSelector(entries.map(([field, value]) => ({ field, operator: '=', value })));
}

/** The fields every kind supports: metadata.name, and metadata.namespace when namespaced. */
export function objectMetaFieldsSet(meta: { name?: string | undefined; namespace?: string | undefined }, namespaced: boolean): Record<string, string> {
  const set: Record<string, string> = { 'metadata.name': meta.name ?? '' };
  if (namespaced) set['metadata.namespace'] = meta.namespace ?? '';
  return set;
}
