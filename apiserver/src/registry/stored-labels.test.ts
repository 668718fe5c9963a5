import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@kubesim/shared';
import { toStoredValue } from './cached-object.ts';
import { NOT_SCANNED, scanStoredLabels } from './stored-labels.ts';

const tricky = fc.constantFrom('a', 'x"y', '{[', '}]', 'back\\slash', 'é', 'labels', '"labels":{', '\u2028', ',');
const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 3 }), tricky);
const labelMap = fc.dictionary(fc.oneof(fc.string(), tricky), fc.oneof(fc.string(), tricky), { maxKeys: 4 });

const isArrayIndex = (k: string): boolean => /^(0|[1-9][0-9]*)$/.test(k) && Number(k) < 2 ** 32 - 1;

describe('scanStoredLabels', () => {
  it('reads the labels of a stored value as a full parse does, wherever they are in metadata', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(fc.string(), tricky), jsonish, { maxKeys: 4 }),
        fc.option(labelMap, { nil: undefined }),
        // (no integer-like top-level keys: JSON puts them before apiVersion, see below)
        fc.dictionary(fc.string().filter((k) => !isArrayIndex(k)), jsonish, { maxKeys: 3 }),
        fc.nat(5),
        (metaExtra, labels, rest, at) => {
          const entries = Object.entries(metaExtra).filter(([k]) => k !== 'labels' && k !== 'resourceVersion');
          if (labels !== undefined) entries.splice(Math.min(at, entries.length), 0, ['labels', labels]);
          const obj = { apiVersion: 'v1', kind: 'Pod', metadata: Object.fromEntries(entries), ...rest } as unknown as KubeObject;
          const value = toStoredValue(obj);
          const scanned = scanStoredLabels(value);
          expect(scanned).not.toBe(NOT_SCANNED);
          expect(scanned).toEqual((JSON.parse(value) as KubeObject).metadata.labels);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads a key spelled with escapes, and leaves odd values to a full parse', () => {
    expect(scanStoredLabels('{"apiVersion":"v1","kind":"X","metadata":{"l\\u0061bels":{"a":"b"}}}')).toEqual({ a: 'b' });
    expect(scanStoredLabels('{"apiVersion":"v1","kind":"X","metadata":{}}')).toBeUndefined();
    expect(scanStoredLabels('{"apiVersion":"v1","kind":"X","metadata":{"labels":{"a":"1"},"labels":{"a":"2"}}}')).toBe(NOT_SCANNED);
    expect(scanStoredLabels('{"apiVersion":"v1", "kind":"X", "metadata": { "labels": {} } }')).toBe(NOT_SCANNED);
    expect(scanStoredLabels('{"kind":"X"}')).toBe(NOT_SCANNED);
  });

  it('reads an object with an integer-like top-level key as a full parse does, or leaves it to one', () => {
    // (JSON writes such keys before apiVersion; a shrunk counterexample of the property
    // above, seed 238856290, that expected a scan of it)
    const rest = { '0': { '': { '': -5e-324, '     ': null }, '        ': [false, null, 1e-213], '    ': { '': null, '      ': { '     "': 1e-306 } } } };
    for (const labels of [undefined, { a: 'b' }]) {
      const obj = { apiVersion: 'v1', kind: 'Pod', metadata: labels ? { labels } : {}, ...rest } as unknown as KubeObject;
      const value = toStoredValue(obj);
      expect(value.startsWith('{"0"')).toBe(true);
      const scanned = scanStoredLabels(value);
      if (scanned !== NOT_SCANNED) expect(scanned).toEqual(labels);
    }
  });
});
