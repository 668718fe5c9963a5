import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EndpointSlice, Service } from '@kubesim/shared';
import { desiredSliceLabels, endpointKey, newEndpointSlice, planSlices } from './reconcile.ts';
import type { DesiredPortGroup } from './reconcile.ts';
import { portSetKey } from './pod-endpoints.ts';
import type { SliceEndpoint, SlicePort } from './pod-endpoints.ts';

const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', uid: 'svc-uid' }, spec: { clusterIP: '10.96.0.10', selector: { app: 'web' } } };
const ports: SlicePort[] = [{ name: '', port: 8080, protocol: 'TCP' }];
const ep = (pod: string, ready = true): SliceEndpoint => ({
  addresses: [`10.0.0.${pod.replace(/\D/g, '') || '1'}`],
  conditions: { ready, serving: ready, terminating: false },
  targetRef: { kind: 'Pod', namespace: 'default', name: pod, uid: `uid-${pod}` },
});
const desired = (...pods: SliceEndpoint[]): Map<string, DesiredPortGroup> => new Map([[portSetKey(ports), { ports, endpoints: pods }]]);
let n = 0;
const existing = (...pods: SliceEndpoint[]): EndpointSlice => {
  const s = newEndpointSlice(svc, ports, pods);
  return { ...s, metadata: { ...s.metadata, name: `web-${String.fromCharCode(97 + n++)}`, resourceVersion: '1' } };
};
const names = (slices: EndpointSlice[]): string[][] => slices.map((s) => s.endpoints.map((e) => e.targetRef?.name ?? ''));

describe('planSlices', () => {
  it('keeps endpoints where they are and fills the slices it rewrites anyway before others (the worked example)', () => {
    n = 0;
    const a = existing(ep('p1'), ep('p2'), ep('p3'));
    const b = existing(ep('p4'));
    const plan = planSlices(svc, desired(ep('p1'), ep('p3'), ep('p4'), ep('p5'), ep('p6'), ep('p7')), [a, b], 3);
    expect(plan.create).toEqual([]);
    expect(plan.delete).toEqual([]);
    expect(plan.update.map((s) => s.metadata.name)).toEqual(['web-a', 'web-b']);
    expect(names(plan.update)).toEqual([['p1', 'p3', 'p5'], ['p4', 'p6', 'p7']]);
  });

  it('writes nothing when the slices already say what the pods say', () => {
    n = 0;
    const plan = planSlices(svc, desired(ep('p1'), ep('p2')), [existing(ep('p1'), ep('p2'))]);
    expect(plan).toEqual({ create: [], update: [], delete: [] });
  });

  it('updates only the slice whose endpoint changed state', () => {
    n = 0;
    const plan = planSlices(svc, desired(ep('p1'), ep('p2', false)), [existing(ep('p1')), existing(ep('p2'))]);
    expect(plan.update.map((s) => s.metadata.name)).toEqual(['web-b']);
    expect(plan.update[0]!.endpoints[0]!.conditions).toEqual({ ready: false, serving: false, terminating: false });
  });

  it('turns a slice that lost all its endpoints into the slice it would otherwise create', () => {
    n = 0;
    const old = existing(ep('p1'));
    const plan = planSlices(svc, new Map([[portSetKey([]), { ports: [], endpoints: [ep('p9')] }]]), [old]);
    expect(plan.create).toEqual([]);
    expect(plan.delete).toEqual([]);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0]!.metadata.name).toBe('web-a');
    expect(plan.update[0]!.ports).toEqual([]);
  });

  it('deletes slices owned by another service with the same name and plans a placeholder when nothing is left', () => {
    n = 0;
    const stranger = { ...existing(ep('p1')), metadata: { name: 'web-z', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'old-uid', controller: true }] } };
    const plan = planSlices(svc, new Map(), [stranger]);
    expect(plan.delete.map((s) => s.metadata.name)).toEqual(['web-z']);
    expect(plan.create).toHaveLength(1);
    expect(plan.create[0]!.endpoints).toEqual([]);
    expect(plan.create[0]!.metadata.labels).toEqual(desiredSliceLabels(svc));
  });

  it('for any slices and any wanted set, ends with every wanted endpoint exactly once and no slice over the limit', () => {
    const pods = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 40 });
    fc.assert(
      fc.property(fc.array(pods, { maxLength: 5 }), pods, fc.integer({ min: 1, max: 10 }), (existingSets, wanted, max) => {
        n = 0;
        const slices = existingSets.map((set) => existing(...set.slice(0, max).map((i) => ep(`p${i}`))));
        const want = wanted.map((i) => ep(`p${i}`));
        const plan = planSlices(svc, desired(...want), slices, max);
        const touched = new Set([...plan.update, ...plan.delete].map((s) => s.metadata.name));
        const after = [...slices.filter((s) => !touched.has(s.metadata.name)), ...plan.update, ...plan.create];
        const keys = after.flatMap((s) => s.endpoints.map(endpointKey)).sort();
        expect(keys).toEqual(want.map(endpointKey).sort());
        for (const s of after) expect(s.endpoints.length).toBeLessThanOrEqual(max);
        if (want.length === 0) expect(after).toHaveLength(1);
        else for (const s of after) expect(s.endpoints.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
