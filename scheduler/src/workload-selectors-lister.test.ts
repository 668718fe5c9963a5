import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Indexer, metaNamespaceIndexFunc, namespaceIndex } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import { makePod } from './testing/builders.ts';
import { newWorkloadSelectorsLister } from './workload-selectors-lister.ts';

type Workload = KubeObject & { spec?: { selector?: unknown } };
const store = (): Indexer<Workload> => new Indexer<Workload>({ [namespaceIndex]: metaNamespaceIndexFunc });
const svc = (name: string, selector: Record<string, string>, namespace = 'default'): Workload => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector } });
const rs = (name: string, matchLabels: Record<string, string>, version = '1'): Workload => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'default', resourceVersion: version },
  spec: { selector: { matchLabels } },
});

describe('newWorkloadSelectorsLister', () => {
  it('lists the selectors of the Services and ReplicaSets that select the pod', () => {
    const [services, replicaSets, statefulSets] = [store(), store(), store()];
    services.upsert(svc('web', { app: 'web' }));
    services.upsert(svc('elsewhere', { app: 'web' }, 'other'));
    replicaSets.upsert(rs('web-1', { app: 'web', hash: '1' }));
    replicaSets.upsert(rs('db', { app: 'db' }));
    const lister = newWorkloadSelectorsLister(services, replicaSets, statefulSets);
    expect(lister(makePod('w', { labels: { app: 'web', hash: '1' } }))).toEqual([{ app: 'web' }, { app: 'web', hash: '1' }]);
    expect(lister(makePod('d', { labels: { app: 'db' } }))).toEqual([{ app: 'db' }]);
  });

  it('answers as a fresh lister does, whatever changed in between', () => {
    const labelSets = [{ app: 'web' }, { app: 'web', hash: '1' }, { app: 'db' }];
    const change = fc.oneof(
      fc.record({ pod: fc.constantFrom(0, 1, 2), namespace: fc.constantFrom('default', 'other') }),
      fc.record({ rs: fc.constantFrom('a', 'b'), labels: fc.constantFrom(0, 1, 2), version: fc.constantFrom('1', '2') }),
      fc.record({ drop: fc.constantFrom('a', 'b') }),
    );
    fc.assert(
      fc.property(fc.array(change, { maxLength: 12 }), (changes) => {
        const [services, replicaSets, statefulSets] = [store(), store(), store()];
        services.upsert(svc('web', { app: 'web' }));
        const lister = newWorkloadSelectorsLister(services, replicaSets, statefulSets);
        for (const c of changes) {
          if ('rs' in c) replicaSets.upsert(rs(c.rs, labelSets[c.labels]!, c.version));
          else if ('drop' in c) replicaSets.delete(`default/${c.drop}`);
          else {
            const pod = makePod('p', { namespace: c.namespace, labels: labelSets[c.pod]! });
            expect(lister(pod)).toEqual(newWorkloadSelectorsLister(services, replicaSets, statefulSets)(pod));
          }
        }
      }),
    );
  });
});
