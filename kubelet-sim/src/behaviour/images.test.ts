import { describe, expect, it } from 'vitest';
import { imageID, imageSize, normalizeImage, repositoryOf, wellKnownServerPort } from './images.ts';

describe('normalizeImage', () => {
  it('names images as containerd does', () => {
    expect(normalizeImage('nginx')).toBe('docker.io/library/nginx:latest');
    expect(normalizeImage('nginx:1.27')).toBe('docker.io/library/nginx:1.27');
    expect(normalizeImage('bitnami/redis')).toBe('docker.io/bitnami/redis:latest');
    expect(normalizeImage('registry.k8s.io/pause:3.10')).toBe('registry.k8s.io/pause:3.10');
    expect(normalizeImage('localhost:5000/app')).toBe('localhost:5000/app:latest');
  });
});

describe('imageID', () => {
  it('is a stable digest reference of the repository', () => {
    expect(imageID('nginx')).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(imageID('nginx')).toBe(imageID('docker.io/library/nginx:latest'));
    expect(imageID('nginx:1.26')).not.toBe(imageID('nginx:1.27'));
  });
});

describe('image facts', () => {
  it('gives a stable size and recognises server images', () => {
    expect(imageSize('nginx')).toBe(imageSize('nginx:latest'));
    expect(repositoryOf('docker.io/library/nginx:1.27')).toBe('nginx');
    expect(wellKnownServerPort('nginx:1.27')).toBe(80);
    expect(wellKnownServerPort('registry.k8s.io/echoserver:1.4')).toBe(8080);
    expect(wellKnownServerPort('busybox')).toBeUndefined();
  });
});
