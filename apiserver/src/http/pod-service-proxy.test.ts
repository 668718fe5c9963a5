import { describe, expect, it } from 'vitest';
import { splitSchemeNamePort } from './pod-service-proxy.ts';

describe('splitSchemeNamePort (the id of a pods/proxy or services/proxy request)', () => {
  it('splits name, name:port and scheme:name:port as Kubernetes does', () => {
    expect(splitSchemeNamePort('web')).toEqual({ scheme: '', name: 'web', port: '' });
    expect(splitSchemeNamePort('web:8080')).toEqual({ scheme: '', name: 'web', port: '8080' });
    expect(splitSchemeNamePort('web:http')).toEqual({ scheme: '', name: 'web', port: 'http' });
    expect(splitSchemeNamePort('https:web:443')).toEqual({ scheme: 'https', name: 'web', port: '443' });
    expect(splitSchemeNamePort('http:web:')).toEqual({ scheme: 'http', name: 'web', port: '' });
  });

  it('refuses ids of another shape', () => {
    expect(splitSchemeNamePort('ftp:web:21')).toBeUndefined();
    expect(splitSchemeNamePort('a:b:c:d')).toBeUndefined();
  });
});
