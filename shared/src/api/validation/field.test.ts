import { describe, expect, it } from 'vitest';
import { at, deepEqual, fieldNotSupported, fmtValue, key, validateImmutableField } from './field.ts';

describe('fmtValue', () => {
  it.each([
    ['strings are quoted', 'web', '"web"'],
    ['numbers are bare', -1, '-1'],
    ['labels print like a Go map, keys sorted', { b: '2', a: '1' }, 'map[string]string{"a":"1", "b":"2"}'],
    ['string lists print like a Go slice', ['10.0.0.1'], '[]string{"10.0.0.1"}'],
    ['other objects print as JSON', { port: 80 }, '{"port":80}'],
    ['nothing prints as null', undefined, 'null'],
  ])('%s', (_name, v, want) => {
    expect(fmtValue(v)).toBe(want);
  });
});

describe('field paths and causes', () => {
  it('builds Kubernetes field paths', () => {
    expect(at('spec', 'containers', 0, 'name')).toBe('spec.containers[0].name');
    expect(key(at('spec', 'resources', 'limits'), 'cpu')).toBe('spec.resources.limits[cpu]');
  });
  it('lists supported values quoted, in the given order', () => {
    expect(fieldNotSupported('spec.type', 'X', ['A', 'B']).message).toBe('Unsupported value: "X": supported values: "A", "B"');
  });
  it('reports an immutable field only when it changed', () => {
    expect(validateImmutableField({ a: 1 }, { a: 1 }, 'f')).toEqual([]);
    expect(validateImmutableField('x', 'y', 'f')).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: "x": field is immutable', field: 'f' }]);
  });
  it('treats absent and undefined members as equal', () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
  });
});
