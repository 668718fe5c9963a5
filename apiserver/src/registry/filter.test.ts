import { describe, expect, it } from 'vitest';
import { definitionFor, resources } from '@kubesim/shared';
import type { KindDefinition, KubeObject } from '@kubesim/shared';
import { makeFilter } from './filter.ts';

const pod = (name: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns1', ...(labels ? { labels } : {}) }, spec }) as KubeObject;
const podFilter = (labels: string | undefined, fields: string | undefined) => makeFilter(labels, fields, definitionFor(resources.pods) as unknown as KindDefinition, true, 'Pod', 'v1')!;

describe('makeFilter', () => {
  it('matches metadata.name and metadata.namespace, with = and !=', () => {
    expect(podFilter(undefined, 'metadata.name=a')(pod('a'))).toBe(true);
    expect(podFilter(undefined, 'metadata.name=a')(pod('b'))).toBe(false);
    expect(podFilter(undefined, 'metadata.name!=a,metadata.namespace=ns1')(pod('b'))).toBe(true);
    expect(podFilter(undefined, 'metadata.namespace=other')(pod('b'))).toBe(false);
  });

  it("compares a kind's selectable field, an absent one as the empty string", () => {
    expect(podFilter(undefined, 'spec.nodeName=n1')(pod('a', { nodeName: 'n1' }))).toBe(true);
    expect(podFilter(undefined, 'spec.nodeName=n1')(pod('a'))).toBe(false);
    expect(podFilter(undefined, 'spec.nodeName=')(pod('a'))).toBe(true);
    expect(podFilter(undefined, 'spec.nodeName!=')(pod('a', { nodeName: 'n1' }))).toBe(true);
  });

  it('needs both the label and the field selector to match', () => {
    const f = podFilter('app=web', 'spec.nodeName=n1');
    expect(f(pod('a', { nodeName: 'n1' }, { app: 'web' }))).toBe(true);
    expect(f(pod('a', { nodeName: 'n1' }, { app: 'db' }))).toBe(false);
    expect(f(pod('a', { nodeName: 'n2' }, { app: 'web' }))).toBe(false);
  });

  it('gives a cluster-scoped object an empty namespace and uses the definition for its fields', () => {
    const nodes = makeFilter(undefined, 'metadata.namespace=,spec.unschedulable=false', definitionFor(resources.nodes) as unknown as KindDefinition, false, 'Node', 'v1')!;
    expect(nodes({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {} } as KubeObject)).toBe(true);
    expect(nodes({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { unschedulable: true } } as KubeObject)).toBe(false);
  });

  it('has no filter without selectors and refuses a field the kind cannot select', () => {
    expect(makeFilter(undefined, '', undefined, true, 'ConfigMap', 'v1')).toBeUndefined();
    expect(() => podFilter(undefined, 'spec.bogus=1')).toThrow('field label not supported: spec.bogus');
  });
});
