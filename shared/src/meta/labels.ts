// Label selectors, as k8s.io/apimachinery/pkg/labels: `parseSelector('app=web,tier in (a,b)')`
// and `labelSelectorAsSelector({ matchLabels, matchExpressions })` both give a Selector of
// requirements (sorted by key) with `matches(labels)` and `toString()` in Kubernetes' canonical
// form. An empty string or empty LabelSelector is `everything`; a null/absent LabelSelector is
// `nothing`. Errors are LabelSelectorError carrying Kubernetes' message text. Also the label
// key/value syntax checks (isQualifiedName, isValidLabelValue). `x>1`/`x<1` (gt/lt) parse too.

import { byteLength, emptyError, isDNS1123Subdomain, maxLenError, regexError } from './names.ts';

/** selection.Operator: `!` is DoesNotExist, `exists` is Exists, `gt`/`lt` are `>`/`<` */
export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** as given: sorted and de-duplicated when parsed from a string */
  readonly values: readonly string[];
}

/** The metav1.LabelSelector shape (structural, so the zod-inferred type fits). */
export interface LabelSelectorInput {
  matchLabels?: Readonly<Record<string, string>> | undefined;
  matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: readonly string[] | undefined }> | undefined;
}

export type Labels = Readonly<Record<string, string>>;

export interface Selector {
  readonly requirements: readonly Requirement[];
  matches(labels: Labels | undefined): boolean;
  /** true for `everything` (no requirements); false for `nothing` */
  empty(): boolean;
  /** canonical form, `app=web,tier in (a,b)`; '' for everything and nothing */
  toString(): string;
}

export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

// ---- label key and value syntax (util/validation) ----

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
export const QUALIFIED_NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;

/** a label/annotation key: `[dns-subdomain/]name`, the name at most 63 characters */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = value;
  } else if (parts.length === 2) {
    const [prefix = '', rest = ''] = parts;
    name = rest;
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (!QUALIFIED_NAME_RE.test(name)) errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

// ---- requirements ----

/** Go's %q, near enough for messages */
function quote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-7][0-9a-f])/g, '\\x$1');
}
/** Go's %#v of a []string */
function goStrings(values: readonly string[]): string {
  return values.length === 0 ? '[]string(nil)' : `[]string{${values.map(quote).join(', ')}}`;
}
const invalidValue = (field: string, value: string, detail: string): string => `${field}: Invalid value: ${value}: ${detail}`;
/** field.ErrorList.ToAggregate().Error(): one message, or `[a, b]` */
const aggregate = (errs: string[]): string => (errs.length === 1 ? (errs[0] as string) : `[${errs.join(', ')}]`);

const INT64 = /^[+-]?\d+$/;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;
function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n < MIN_INT64 || n > MAX_INT64 ? undefined : n;
}

/** labels.NewRequirement: validates the key, the operator's arity and each value. */
export function newRequirement(key: string, operator: SelectorOperator, values: readonly string[]): Requirement {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(invalidValue('key', quote(key), keyErrs.join('; ')));
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalidValue('values', goStrings(values), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalidValue('values', goStrings(values), 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalidValue('values', goStrings(values), 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalidValue('values', goStrings(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalidValue(`values[${i}]`, quote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errs.push(`operator: Unsupported value: ${quote(String(operator))}: supported values: "!", "!=", "=", "==", "exists", "gt", "in", "lt", "notin"`);
  }
  values.forEach((v, i) => {
    const valueErrs = isValidLabelValue(v);
    if (valueErrs.length) errs.push(invalidValue(`values[${i}][${key}]`, quote(v), valueErrs.join('; ')));
  });
  if (errs.length) throw new LabelSelectorError(aggregate(errs));
  return Object.freeze({ key, operator, values: Object.freeze([...values]) });
}

export function requirementMatches(r: Requirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && r.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (value === undefined || r.values.length !== 1) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(r.values[0] as string);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

const OPERATOR_TEXT: Record<SelectorOperator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

/** `app=web`, `tier in (a,b)` (values sorted), `!canary`, `replicas>2` */
export function requirementToString(r: Requirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const values = r.values.length === 1 ? (r.values[0] as string) : [...r.values].sort().join(',');
  const body = r.operator === 'in' || r.operator === 'notin' ? `(${values})` : values;
  return `${r.key}${OPERATOR_TEXT[r.operator]}${body}`;
}

// ---- selectors ----

class RequirementsSelector implements Selector {
  readonly requirements: readonly Requirement[];
  constructor(requirements: readonly Requirement[]) {
    // sorted by key for a deterministic form (a stable sort keeps equal keys in order)
    this.requirements = Object.freeze([...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  }
  matches(labels: Labels | undefined): boolean {
    return this.requirements.every((r) => requirementMatches(r, labels));
  }
  empty(): boolean {
    return this.requirements.length === 0;
  }
  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }
}

/** matches every object */
export const everything: Selector = new RequirementsSelector([]);

/** matches no object: what a null LabelSelector means */
export const nothing: Selector = Object.freeze({
  requirements: Object.freeze([]) as readonly Requirement[],
  matches: () => false,
  empty: () => false,
  toString: () => '',
});

export function selectorFromRequirements(requirements: readonly Requirement[]): Selector {
  return new RequirementsSelector(requirements);
}

/** labels.SelectorFromSet: `key=value` for each entry (not validated, as Kubernetes). */
export function selectorFromSet(set: Labels | undefined): Selector {
  return new RequirementsSelector(Object.entries(set ?? {}).map(([key, value]) => Object.freeze({ key, operator: '=' as const, values: Object.freeze([value]) })));
}

export function selectorToString(selector: Selector): string {
  return selector.toString();
}

/** metav1.LabelSelectorAsSelector: null/undefined → nothing, empty → everything. */
export function labelSelectorAsSelector(ls: LabelSelectorInput | null | undefined): Selector {
  if (ls === null || ls === undefined) return nothing;
  const labels = Object.entries(ls.matchLabels ?? {});
  const exprs = ls.matchExpressions ?? [];
  if (labels.length + exprs.length === 0) return everything;
  const reqs: Requirement[] = labels.map(([k, v]) => newRequirement(k, '=', [v]));
  for (const expr of exprs) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[expr.operator as 'In'];
    if (op === undefined) throw new LabelSelectorError(`${quote(expr.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return new RequirementsSelector(reqs);
}

/** metav1.FormatLabelSelector, as kubectl's SELECTOR columns: `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(ls: LabelSelectorInput | null | undefined): string {
  try {
    return labelSelectorAsSelector(ls).toString() || '<none>';
  } catch {
    return '<error>';
  }
}

// ---- the string form ----

type Token =
  | { t: 'id'; lit: string }
  | { t: 'in' | 'notin'; lit: string }
  | { t: '!' | '!=' | '=' | '==' | '>' | '<' | '(' | ')' | ','; lit: string }
  | { t: 'end'; lit: '' };

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && WHITESPACE.has(s[i] as string)) i++;
    if (i >= s.length) {
      out.push({ t: 'end', lit: '' });
      return out;
    }
    const ch = s[i] as string;
    if (SPECIAL.has(ch)) {
      const two = s.slice(i, i + 2);
      if (two === '!=' || two === '==') {
        out.push({ t: two, lit: two });
        i += 2;
      } else {
        out.push({ t: ch as '!', lit: ch });
        i++;
      }
      continue;
    }
    const start = i;
    while (i < s.length && !SPECIAL.has(s[i] as string) && !WHITESPACE.has(s[i] as string)) i++;
    const word = s.slice(start, i);
    out.push(word === 'in' || word === 'notin' ? { t: word, lit: word } : { t: 'id', lit: word });
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}
  /** in value position, `in` and `notin` are plain identifiers */
  private peek(asValue = true): Token {
    const tok = this.tokens[this.pos] as Token;
    return asValue && (tok.t === 'in' || tok.t === 'notin') ? { t: 'id', lit: tok.lit } : tok;
  }
  private next(asValue = true): Token {
    const tok = this.peek(asValue);
    this.pos++;
    return tok;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const tok = this.peek();
      if (tok.t === 'end') return reqs;
      if (tok.t !== 'id' && tok.t !== '!') throw new LabelSelectorError(`found '${tok.lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (err) {
        throw new LabelSelectorError(`unable to parse requirement: ${(err as Error).message}`);
      }
      const after = this.next();
      if (after.t === 'end') return reqs;
      if (after.t !== ',') throw new LabelSelectorError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const following = this.peek();
      if (following.t !== 'id' && following.t !== '!') throw new LabelSelectorError(`found '${following.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): Requirement {
    let tok = this.next();
    const negated = tok.t === '!';
    if (negated) tok = this.next();
    if (tok.t !== 'id') throw new Error(`found '${tok.lit}', expected: identifier`);
    const key = tok.lit;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length) throw new Error(invalidValue('<nil>', quote(key), keyErrs.join('; ')));
    const la = this.peek().t;
    if (negated || la === 'end' || la === ',') return newRequirement(key, negated ? '!' : 'exists', []);
    const op = this.next(false);
    switch (op.t) {
      case 'in':
      case 'notin':
        return newRequirement(key, op.t, this.setValues());
      case '=':
      case '==':
      case '!=':
        return newRequirement(key, op.t, [this.exactValue()]);
      case '>':
      case '<':
        return newRequirement(key, op.t === '>' ? 'gt' : 'lt', [this.exactValue()]);
      default:
        throw new Error(`found '${op.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  private exactValue(): string {
    const la = this.peek();
    if (la.t === 'end' || la.t === ',') return '';
    const tok = this.next();
    if (tok.t !== 'id') throw new Error(`found '${tok.lit}', expected: identifier`);
    return tok.lit;
  }

  /** `(a,b,,c)`: empty entries are the empty value; the result is sorted and unique */
  private setValues(): string[] {
    const open = this.next();
    if (open.t !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const values = new Set<string>();
    const first = this.peek();
    if (first.t === ')') {
      this.next();
      values.add('');
    } else if (first.t === 'id' || first.t === ',') {
      for (;;) {
        const tok = this.next();
        if (tok.t === 'id') {
          values.add(tok.lit);
          const la = this.peek();
          if (la.t === ')') break;
          if (la.t !== ',') throw new Error(`found '${la.lit}', expected: ',' or ')'`);
        } else if (tok.t === ',') {
          if (values.size === 0) values.add('');
          const la = this.peek();
          if (la.t === ')') {
            values.add('');
            break;
          }
          if (la.t === ',') {
            this.next();
            values.add('');
          }
        } else {
          throw new Error(`found '${tok.lit}', expected: ',', or identifier`);
        }
      }
      const close = this.next();
      if (close.t !== ')') throw new Error(`found '${first.lit}', expected: ')'`);
    } else {
      throw new Error(`found '${first.lit}', expected: ',', ')' or identifier`);
    }
    return [...values].sort();
  }
}

/** labels.Parse: the `?labelSelector=` form. '' (or only spaces) is everything. */
export function parseSelector(selector: string): Selector {
  return new RequirementsSelector(new Parser(lex(selector)).parse());
}
