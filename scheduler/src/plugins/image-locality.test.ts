import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/builders.ts';
import { newHarness, scoreResults } from '../testing/harness.ts';
import { newImageLocality, normalizedImageName } from './image-locality.ts';

const MB = 1024 * 1024;

describe('ImageLocality score', () => {
  it('gives a node that has the image a score that grows with the image size', () => {
    const h = newHarness({
      nodes: [makeNode('with', { images: [{ names: ['web:1.0'], sizeBytes: 500 * MB }] }), makeNode('without')],
    });
    const r = scoreResults(newImageLocality({}, h.handle), h, makePod('p', { image: 'web:1.0' }));
    // 500 MB × 1/2 nodes = 250 MB → (250 − 23) × 100 / (1000 − 23) = 23
    expect(r.normalized).toEqual({ with: 23, without: 0 });
  });

  it('gives no edge for an image every node has', () => {
    const img = [{ names: ['web:1.0'], sizeBytes: 2000 * MB }];
    const h = newHarness({ nodes: [makeNode('a', { images: img }), makeNode('b', { images: img })] });
    expect(scoreResults(newImageLocality({}, h.handle), h, makePod('p', { image: 'web:1.0' })).normalized).toEqual({ a: 100, b: 100 });
  });

  it('treats an image without a tag as :latest', () => {
    expect(normalizedImageName('nginx')).toBe('nginx:latest');
    expect(normalizedImageName('registry:5000/nginx')).toBe('registry:5000/nginx:latest');
    expect(normalizedImageName('nginx:1.27')).toBe('nginx:1.27');
    const h = newHarness({ nodes: [makeNode('a', { images: [{ names: ['nginx:latest'], sizeBytes: 900 * MB }] }), makeNode('b')] });
    expect(scoreResults(newImageLocality({}, h.handle), h, makePod('p', { image: 'nginx' })).normalized['a']).toBeGreaterThan(0);
  });
});
