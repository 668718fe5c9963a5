import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  parseSelector,
  labelSelectorAsSelector,
  selectorFromSet,
  selectorToString,
  formatLabelSelector,
  newRequirement,
  everything,
  nothing,
  isQualifiedName,
  isValidLabelValue,
  type Labels,
} from './labels.ts';

const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseSelector', () => {
  const canonical: Array<[string, string, string]> = [
    ['an equality keeps its single equals sign', 'app=web', 'app=web'],
    ['a double equals is kept as written', 'app==web', 'app==web'],
    ['inequality', 'app!=web', 'app!=web'],
    ['set values are sorted and de-duplicated', 'tier in (b,a,b)', 'tier in (a,b)'],
    ['notin with one value', 'tier notin (x)', 'tier notin (x)'],
    ['a bare key means exists', 'canary', 'canary'],
    ['a bang means does not exist', '!canary', '!canary'],
    ['requirements are sorted by key', 'z=1,a=2,m', 'a=2,m,z=1'],
    ['whitespace is tolerated everywhere', '  app = web ,  tier  in(  a ,b ) , ! x ', 'app=web,tier in (a,b),!x'],
    ['an equals sign with no value means the empty value', 'app=', 'app='],
    ['empty parentheses mean the empty value', 'a in ()', 'a in ()'],
    ['empty entries in a set are the empty value', 'a in (,x,,y)', 'a in (,x,y)'],
    ['a trailing comma in a set adds the empty value', 'a in (x,)', 'a in (,x)'],
    ['in and notin are plain words in value position', 'in=notin', 'in=notin'],
    ['greater-than and less-than take integers', 'r>2,s<1', 'r>2,s<1'],
    ['a prefixed key is allowed', 'app.kubernetes.io/name=web', 'app.kubernetes.io/name=web'],
    ['an empty string is everything', '', ''],
  ];
  it.each(canonical)('%s (%j → %j)', (_n, input, output) => {
    expect(parseSelector(input).toString()).toBe(output);
  });

  it('treats an empty or blank string as everything', () => {
    expect(parseSelector('   ').empty()).toBe(true);
    expect(parseSelector('').matches({ any: 'thing' })).toBe(true);
  });

  const errors: Array<[string, string, string]> = [
    ['an upper-case operator word is not an operator', 'env IN (a)', "unable to parse requirement: found 'IN', expected: in, notin, =, ==, !=, gt, lt"],
    ['a dangling comma needs an identifier', 'a=b,', "found '', expected: identifier after ','"],
    ['a leading operator is rejected', '=b', "found '=', expected: !, identifier, or 'end of string'"],
    ['a does-not-exist with a value is rejected after the key', '!a=b', "found '=', expected: ',' or 'end of string'"],
    ['two values for equality are rejected', 'a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['an unclosed set is rejected', 'a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a set without parentheses is rejected', 'a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['two empty entries before the closing parenthesis are rejected as Kubernetes does', 'a in (x,,)', "unable to parse requirement: found ')', expected: ',', or identifier"],
    ['a space inside a set needs a comma', 'a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
    ['a word where an operator belongs is rejected', 'a b/c/d=x', "unable to parse requirement: found 'b/c/d', expected: in, notin, =, ==, !=, gt, lt"],
    ['a key with a colon is invalid', 'a:=x', `unable to parse requirement: <nil>: Invalid value: "a:": ${NAME_PART_MSG}`],
    ['a value with a slash is invalid', 'app=a/b', `unable to parse requirement: values[0][app]: Invalid value: "a/b": ${VALUE_MSG}`],
    ['gt needs an integer', 'a>x', `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`],
  ];
  it.each(errors)('%s (%j)', (_n, input, message) => {
    expect(() => parseSelector(input)).toThrow(message);
    try {
      parseSelector(input);
    } catch (err) {
      expect((err as Error).message).toBe(message);
    }
  });
});

describe('Selector.matches', () => {
  const cases: Array<[string, string, Labels | undefined, boolean]> = [
    ['equality matches the same value', 'app=web', { app: 'web' }, true],
    ['equality fails on a missing label', 'app=web', {}, false],
    ['inequality matches a missing label', 'app!=web', {}, true],
    ['inequality fails on the same value', 'app!=web', { app: 'web' }, false],
    ['in matches any listed value', 'tier in (a,b)', { tier: 'b' }, true],
    ['in fails on a missing label', 'tier in (a,b)', undefined, false],
    ['notin matches a missing label', 'tier notin (a)', { other: 'a' }, true],
    ['exists ignores the value', 'app', { app: '' }, true],
    ['does-not-exist fails when the key is present with an empty value', '!app', { app: '' }, false],
    ['the empty value matches an empty label', 'app=', { app: '' }, true],
    ['the empty value does not match a missing label', 'app=', {}, false],
    ['gt compares as integers', 'r>9', { r: '10' }, true],
    ['gt fails on a non-integer label', 'r>9', { r: 'ten' }, false],
    ['lt compares negative label values as integers', 'r<0', { r: '-3' }, true],
    ['all requirements must hold', 'a=1,b=2', { a: '1', b: '3' }, false],
    ['an inherited property is not a label', 'toString', {}, false],
  ];
  it.each(cases)('%s', (_n, sel, labels, want) => expect(parseSelector(sel).matches(labels)).toBe(want));
});

describe('labelSelectorAsSelector', () => {
  it('turns a null selector into nothing', () => {
    expect(labelSelectorAsSelector(null)).toBe(nothing);
    expect(labelSelectorAsSelector(undefined).matches({})).toBe(false);
    expect(nothing.empty()).toBe(false);
  });

  it('turns an empty selector into everything', () => {
    expect(labelSelectorAsSelector({})).toBe(everything);
    expect(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] }).matches({ a: 'b' })).toBe(true);
  });

  it('combines matchLabels and matchExpressions sorted by key', () => {
    const sel = labelSelectorAsSelector({
      matchLabels: { tier: 'web', app: 'shop' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'Exists', values: [] },
        { key: 'debug', operator: 'NotIn', values: ['true'] },
      ],
    });
    expect(sel.toString()).toBe('app=shop,!canary,debug notin (true),env in (dev,prod),tier=web,zone');
    expect(sel.matches({ app: 'shop', tier: 'web', env: 'prod', zone: 'a' })).toBe(true);
    expect(sel.matches({ app: 'shop', tier: 'web', env: 'prod', zone: 'a', canary: 'x' })).toBe(false);
  });

  const errors: Array<[string, Parameters<typeof labelSelectorAsSelector>[0], string]> = [
    ['an unknown operator', { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, '"Equals" is not a valid label selector operator'],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist'],
    ['an invalid matchLabels key', { matchLabels: { 'a b': 'x' } }, `key: Invalid value: "a b": ${NAME_PART_MSG}`],
    ['several problems at once are listed in brackets', { matchExpressions: [{ key: '-a', operator: 'In', values: [] }] }, `[key: Invalid value: "-a": ${NAME_PART_MSG}, values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty]`],
  ];
  it.each(errors)('rejects %s with Kubernetes\' message', (_n, input, message) => {
    expect(() => labelSelectorAsSelector(input)).toThrow(message);
  });

  it('formats selectors as kubectl columns do', () => {
    expect(formatLabelSelector({ matchLabels: { app: 'web' } })).toBe('app=web');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(formatLabelSelector(null)).toBe('<none>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] })).toBe('<error>');
  });
});

describe('selectorFromSet', () => {
  it('requires every entry of the set', () => {
    const sel = selectorFromSet({ b: '2', a: '1' });
    expect(selectorToString(sel)).toBe('a=1,b=2');
    expect(sel.matches({ a: '1', b: '2', c: '3' })).toBe(true);
    expect(sel.matches({ a: '1' })).toBe(false);
    expect(selectorFromSet({}).matches({})).toBe(true);
  });
});

describe('newRequirement', () => {
  it('rejects a gt with two values', () => {
    expect(() => newRequirement('a', 'gt', ['1', '2'])).toThrow("for 'Gt', 'Lt' operators, exactly one value is required");
  });
  it('prints several values sorted without changing the requirement', () => {
    const r = newRequirement('a', 'in', ['b', 'a']);
    expect(r.values).toEqual(['b', 'a']);
    expect(selectorToString(labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['b', 'a'] }] }))).toBe('a in (a,b)');
  });
});

describe('isQualifiedName and isValidLabelValue', () => {
  const keys: Array<[string, string, string[]]> = [
    ['a plain name is valid', 'app', []],
    ['a prefixed name is valid', 'example.com/My_Name', []],
    ['an empty prefix is reported', '/name', ['prefix part must be non-empty']],
    ['an upper-case prefix is reported', 'Example.com/a', [expect.stringMatching(/^prefix part a lowercase RFC 1123 subdomain/) as unknown as string]],
    ['an empty name is reported twice as Kubernetes does', 'a/', ['name part must be non-empty', NAME_PART_MSG]],
    ['a 64-character name is too long', 'a'.repeat(64), ['name part must be no more than 63 characters']],
    [
      'two slashes are one qualified-name message',
      'a/b/c',
      [
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ],
  ];
  it.each(keys)('%s', (_n, key, errs) => expect(isQualifiedName(key)).toEqual(errs));

  const values: Array<[string, string, string[]]> = [
    ['the empty value is valid', '', []],
    ['dots, dashes and underscores inside are valid', 'a.b-c_d', []],
    ['a leading dash is invalid', '-a', [VALUE_MSG]],
    ['64 characters are too long', 'a'.repeat(64), ['must be no more than 63 characters']],
  ];
  it.each(values)('%s', (_n, v, errs) => expect(isValidLabelValue(v)).toEqual(errs));
});

// ---- properties against a reference evaluator ----

type Op = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';
interface Req {
  key: string;
  op: Op;
  values: string[];
}
const KEYS = ['a', 'b', 'app', 'x.io/c'];
const VALUES = ['', 'v1', 'v2', 'in', '3', '02', '10'];
const INTS = ['0', '3', '02', '10'];

// Set values are unique: Kubernetes' grammar rejects two empty entries before ')' (`(x,,)`).
const reqArb: fc.Arbitrary<Req> = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), op: fc.constantFrom<Op>('=', '==', '!='), values: fc.constantFrom(...VALUES).map((v) => [v]) }),
  fc.record({ key: fc.constantFrom(...KEYS), op: fc.constantFrom<Op>('in', 'notin'), values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 4 }) }),
  fc.record({ key: fc.constantFrom(...KEYS), op: fc.constantFrom<Op>('exists', '!'), values: fc.constant<string[]>([]) }),
  fc.record({ key: fc.constantFrom(...KEYS), op: fc.constantFrom<Op>('gt', 'lt'), values: fc.constantFrom(...INTS).map((v) => [v]) }),
);
const spaceArb = fc.constantFrom('', ' ', '  ', '\t');

/** writes a requirement in the string form, independently of the code under test */
function writeReq(r: Req, sp: string): string {
  switch (r.op) {
    case 'exists':
      return `${sp}${r.key}${sp}`;
    case '!':
      return `${sp}!${sp}${r.key}${sp}`;
    case 'in':
    case 'notin':
      return `${sp}${r.key} ${r.op}${sp}(${sp}${r.values.join(`${sp},${sp}`)}${sp})${sp}`;
    case 'gt':
      return `${r.key}${sp}>${sp}${r.values[0]}`;
    case 'lt':
      return `${r.key}${sp}<${sp}${r.values[0]}`;
    default:
      return `${sp}${r.key}${sp}${r.op}${sp}${r.values[0]}${sp}`;
  }
}

function reference(reqs: Req[], labels: Record<string, string>): boolean {
  return reqs.every((r) => {
    const v = Object.hasOwn(labels, r.key) ? labels[r.key] : undefined;
    switch (r.op) {
      case '=':
      case '==':
      case 'in':
        return v !== undefined && r.values.includes(v);
      case '!=':
      case 'notin':
        return v === undefined || !r.values.includes(v);
      case 'exists':
        return v !== undefined;
      case '!':
        return v === undefined;
      case 'gt':
      case 'lt': {
        if (v === undefined || !/^-?\d+$/.test(v)) return false;
        return r.op === 'gt' ? Number(v) > Number(r.values[0]) : Number(v) < Number(r.values[0]);
      }
    }
  });
}

const labelsArb = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 4 });
const selectorTextArb = fc
  .tuple(fc.array(reqArb, { maxLength: 5 }), spaceArb)
  .map(([reqs, sp]) => ({ reqs, text: reqs.map((r) => writeReq(r, sp)).join(',') }));

describe('label selector properties', () => {
  it('matches as a simple reference evaluator does', () => {
    fc.assert(
      fc.property(selectorTextArb, fc.array(labelsArb, { minLength: 1, maxLength: 5 }), ({ reqs, text }, labelSets) => {
        const sel = parseSelector(text);
        for (const labels of labelSets) expect(sel.matches(labels)).toBe(reference(reqs, labels));
      }),
    );
  });

  it('parsing the canonical string gives an equivalent selector', () => {
    fc.assert(
      fc.property(selectorTextArb, fc.array(labelsArb, { maxLength: 5 }), ({ text }, labelSets) => {
        const sel = parseSelector(text);
        const again = parseSelector(sel.toString());
        expect(again.toString()).toBe(sel.toString());
        for (const labels of labelSets) expect(again.matches(labels)).toBe(sel.matches(labels));
      }),
    );
  });

  it('a LabelSelector object and its printed form select the same labels', () => {
    const exprArb = fc.record({
      key: fc.constantFrom(...KEYS),
      operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
      values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }),
    }).map((e) => (e.operator === 'Exists' || e.operator === 'DoesNotExist' ? { key: e.key, operator: e.operator } : e));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)), fc.array(exprArb, { maxLength: 4 }), labelsArb, (matchLabels, matchExpressions, labels) => {
        const sel = labelSelectorAsSelector({ matchLabels, matchExpressions });
        expect(parseSelector(sel.toString()).matches(labels)).toBe(sel.matches(labels));
      }),
    );
  });
});
