// defineKind's name rule remembers the names it found valid, but never for generateName,
// whose rule differs (a prefix may end in '-'): a kind answers as its rule says either way.
import { describe, expect, it } from 'vitest';
import { kindDefinitions } from '../kinds.ts';
import type { KindDefinition } from '../kind.ts';
import type { KubeObject } from '../meta.ts';

const configMaps = kindDefinitions.configmaps as unknown as KindDefinition;
const cm = (metadata: KubeObject['metadata']): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default', ...metadata } });
const fields = (obj: KubeObject): string[] => configMaps.validate(obj).map((c) => `${c.field}: ${c.message}`);

describe('defineKind name rule', () => {
  it('takes a prefix ending in "-" for generateName and refuses it as a name, in either order', () => {
    for (let round = 0; round < 2; round++) {
      expect(fields(cm({ generateName: 'web-' }))).toEqual([]);
      expect(fields(cm({ name: 'web-' }))).toEqual([expect.stringMatching(/^metadata\.name: Invalid value: "web-": a lowercase RFC 1123 subdomain/)]);
      expect(fields(cm({ name: 'web' }))).toEqual([]);
      expect(fields(cm({ generateName: 'web-' }))).toEqual([]);
    }
  });
});
