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
