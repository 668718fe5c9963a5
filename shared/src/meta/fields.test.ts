import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  parseFieldSelector,
  escapeFieldValue,
  unescapeFieldValue,
  fieldSelectorFromSet,
  everythingFields,
  objectMetaFieldsSet,
  type Fields,
} from './fields.ts';

describe('parseFieldSelector', () => {
  const canonical: Array<[string, string, string]> = [
    ['a single equality', 'metadata.name=web', 'metadata.name=web'],
    ['terms are sorted as strings', 'status.phase==Running,spec.nodeName!=n1,metadata.name=x', 'metadata.name=x,spec.nodeName!=n1,status.phase=Running'],
    ['a double equals prints as a single one', 'spec.nodeName==n1', 'spec.nodeName=n1'],
    ['an empty value is allowed', 'spec.nodeName=', 'spec.nodeName='],
    ['an escaped comma stays in the value', 'metadata.name=a\\,b', 'metadata.name=a\\,b'],
    ['an escaped backslash stays in the value', 'metadata.name=a\\\\b', 'metadata.name=a\\\\b'],
    ['empty terms are skipped', ',metadata.name=a,', 'metadata.name=a'],
    ['the empty string is everything', '', ''],
  ];
  it.each(canonical)('%s (%j)', (_n, input, output) => {
    expect(parseFieldSelector(input).toString()).toBe(output);
  });

  it('unescapes values', () => {
    const sel = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d');
    expect(sel.requirements).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b=c\\d' }]);
  });

  it('splits a term at the first operator, so "!=" wins over a later "="', () => {
    expect(parseFieldSelector('a!=b').requirements[0]).toEqual({ field: 'a', operator: '!=', value: 'b' });
  });

  const errors: Array<[string, string, string]> = [
    ['a term without an operator', 'metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a set-based operator is unsupported', 'status.phase in (Running)', "invalid selector: 'status.phase in (Running)'; can't understand 'status.phase in (Running)'"],
    ['a comparison operator is unsupported', 'a>1,b=2', "invalid selector: 'a>1,b=2'; can't understand 'a>1'"],
    ['an unknown escape sequence', 'a=b\\c', 'invalid field selector: invalid escape sequence: \\c'],
    ['a trailing backslash', 'a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['an unescaped equals sign in the value (Kubernetes prints its code point)', 'a=b=c', 'invalid field selector: unescaped character in value: 61'],
  ];
  it.each(errors)('rejects %s', (_n, input, message) => {
    expect(() => parseFieldSelector(input)).toThrow(message);
  });
});

describe('FieldSelector.matches', () => {
  const cases: Array<[string, string, Fields | undefined, boolean]> = [
    ['equality matches the same value', 'spec.nodeName=n1', { 'spec.nodeName': 'n1' }, true],
    ['equality fails on another value', 'spec.nodeName=n1', { 'spec.nodeName': 'n2' }, false],
    ['a missing field equals the empty value', 'spec.nodeName=', {}, true],
    ['a missing field differs from a non-empty value', 'spec.nodeName!=n1', {}, true],
    ['unscheduled pods: nodeName is empty', 'spec.nodeName=', { 'spec.nodeName': '' }, true],
    ['all terms must hold', 'metadata.name=a,status.phase!=Failed', { 'metadata.name': 'a', 'status.phase': 'Failed' }, false],
    ['everything matches undefined fields', '', undefined, true],
  ];
  it.each(cases)('%s', (_n, sel, fields, want) => expect(parseFieldSelector(sel).matches(fields)).toBe(want));

  it('reports the value an exact-match term pins', () => {
    const sel = parseFieldSelector('spec.nodeName=n1,status.phase!=Failed');
    expect(sel.requiresExactMatch('spec.nodeName')).toBe('n1');
    expect(sel.requiresExactMatch('status.phase')).toBeUndefined();
    expect(everythingFields.empty()).toBe(true);
  });

  it('builds selectors from sets and object metadata', () => {
    expect(fieldSelectorFromSet({ 'metadata.namespace': 'ns', 'metadata.name': 'a' }).toString()).toBe('metadata.name=a,metadata.namespace=ns');
    expect(objectMetaFieldsSet({ name: 'n1' }, false)).toEqual({ 'metadata.name': 'n1' });
    expect(objectMetaFieldsSet({ name: 'p', namespace: 'd' }, true)).toEqual({ 'metadata.name': 'p', 'metadata.namespace': 'd' });
  });
});

describe('field selector properties', () => {
  const valueArb = fc.string({ unit: fc.constantFrom('a', 'b', '\\', ',', '=', '!', ' ', 'é'), maxLength: 8 });
  it('escaping then unescaping gives back the value', () => {
    fc.assert(fc.property(valueArb, (v) => unescapeFieldValue(escapeFieldValue(v)) === v));
  });

  it('any value survives a selector round trip and matches itself', () => {
    const fieldArb = fc.constantFrom('metadata.name', 'spec.nodeName', 'status.phase');
    fc.assert(
      fc.property(fc.dictionary(fieldArb, valueArb), (set) => {
        const sel = parseFieldSelector(fieldSelectorFromSet(set).toString());
        expect(sel.matches(set)).toBe(true);
        expect(parseFieldSelector(sel.toString()).toString()).toBe(sel.toString());
        for (const r of sel.requirements) expect(set[r.field]).toBe(r.value);
      }),
    );
  });
});
