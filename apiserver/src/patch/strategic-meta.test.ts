// definitionNameOf: the definition name of a kind's top-level type, remembered per group,
// version and kind after the first ask; the same name whether remembered or not.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { definitionNameOf, definitionPrefix } from './strategic-meta.ts';

describe('definitionNameOf', () => {
  it('names the core, apps and authorization kinds as Kubernetes does', () => {
    expect(definitionNameOf({ group: '', version: 'v1', kind: 'Pod' })).toBe('io.k8s.api.core.v1.Pod');
    expect(definitionNameOf({ group: 'apps', version: 'v1', kind: 'Deployment' })).toBe('io.k8s.api.apps.v1.Deployment');
    expect(definitionNameOf({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' })).toBe('io.k8s.api.coordination.v1.Lease');
    expect(definitionNameOf({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' })).toBe('io.k8s.api.rbac.v1.Role');
  });

  it('gives the prefix and kind for any group, version and kind, asked once or again (past what it remembers)', () => {
    const part = fc.oneof(fc.constantFrom('', 'a', 'a/b', 'b', 'x.k8s.io', '/', 'v1'), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(fc.record({ group: part, version: part, kind: part }), { maxLength: 40 }), (types) => {
        for (let round = 0; round < 2; round++) {
          for (const t of types) expect(definitionNameOf(t)).toBe(definitionPrefix(t.group, t.version) + t.kind);
        }
      }),
      { numRuns: 200 },
    );
  });
});
