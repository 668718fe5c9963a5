import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computePodTemplateHash, equalIgnoreHash } from './hash.ts';

describe('computePodTemplateHash', () => {
  it('is the same for templates that differ only in key order', () => {
    const a = { metadata: { labels: { app: 'web', tier: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const b = { spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { tier: 'x', app: 'web' } } };
    expect(computePodTemplateHash(a)).toBe(computePodTemplateHash(b));
  });

  it('changes with the image, and with the collision count', () => {
    const t = (image: string) => ({ spec: { containers: [{ name: 'c', image }] } });
    expect(computePodTemplateHash(t('nginx:1'))).not.toBe(computePodTemplateHash(t('nginx:2')));
    expect(computePodTemplateHash(t('nginx:1'), 1)).not.toBe(computePodTemplateHash(t('nginx:1')));
  });

  it('uses only the safe alphabet', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => /^[bcdfghjklmnpqrstvwxz2456789]+$/.test(computePodTemplateHash(v))));
  });
});

describe('equalIgnoreHash', () => {
  it('treats templates as equal when only the pod-template-hash label differs', () => {
    const a = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: {} };
    const b = { metadata: { labels: { app: 'web' } }, spec: {} };
    expect(equalIgnoreHash(a, b)).toBe(true);
    expect(equalIgnoreHash(a, { metadata: { labels: { app: 'db' } }, spec: {} })).toBe(false);
  });
});

describe('equalIgnoreHash against canonical JSON', () => {
  // the reference: canonical JSON of both templates with the hash label (and labels left empty) removed
  const strip = (t: unknown): unknown => {
    const copy = structuredClone(t) as { metadata?: { labels?: Record<string, string> } } | undefined;
    if (copy?.metadata?.labels) {
      delete copy.metadata.labels['pod-template-hash'];
      if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
    }
    return copy;
  };
  const canonicalOf = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(canonicalOf).join(',')}]`;
    if (v && typeof v === 'object') {
      const rec = v as Record<string, unknown>;
      return `{${Object.keys(rec).filter((k) => rec[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalOf(rec[k])}`).join(',')}}`;
    }
    return JSON.stringify(v) ?? 'null';
  };
  const labels = fc.dictionary(fc.constantFrom('app', 'tier', 'pod-template-hash'), fc.constantFrom('a', 'b'));
  const template = fc.record(
    { metadata: fc.record({ labels, annotations: fc.dictionary(fc.constantFrom('x', 'y'), fc.constantFrom('1', '2')) }, { requiredKeys: [] }), spec: fc.jsonValue({ maxDepth: 2 }) },
    { requiredKeys: [] },
  );

  it('agrees with comparing canonical JSON, for templates and for anything else', () => {
    fc.assert(
      fc.property(fc.oneof(template, fc.jsonValue({ maxDepth: 2 })), fc.oneof(template, fc.jsonValue({ maxDepth: 2 })), (a, b) => {
        expect(equalIgnoreHash(a, b)).toBe(canonicalOf(strip(a)) === canonicalOf(strip(b)));
        expect(equalIgnoreHash(a, structuredClone(a))).toBe(true);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('answers the same for deep-frozen templates, asked once or again (the remembered answer)', () => {
    const deepFreeze = <T>(v: T): T => {
      if (v && typeof v === 'object') {
        for (const x of Object.values(v)) deepFreeze(x);
        Object.freeze(v);
      }
      return v;
    };
    fc.assert(
      fc.property(template, template, (a, b) => {
        const expected = canonicalOf(strip(a)) === canonicalOf(strip(b));
        const [fa, fb] = [deepFreeze(structuredClone(a)), deepFreeze(structuredClone(b))];
        expect(equalIgnoreHash(fa, fb)).toBe(expected);
        expect(equalIgnoreHash(fa, fb)).toBe(expected);
        expect(equalIgnoreHash(fb, fa)).toBe(expected);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
