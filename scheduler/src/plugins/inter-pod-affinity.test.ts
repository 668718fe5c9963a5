import { describe, expect, it } from 'vitest';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import { filterResults, newHarness, scoreResults } from '../testing/harness.ts';
import type { Affinity, PodAffinityTerm } from '../types.ts';
import { newInterPodAffinity } from './inter-pod-affinity.ts';

const nodes = [makeNode('a1', { zone: 'a' }), makeNode('a2', { zone: 'a' }), makeNode('b1', { zone: 'b' })];
const term = (app: string, key = 'topology.kubernetes.io/zone'): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey: key });
const cache = bindPod(makePod('cache', { labels: { app: 'cache' } }), 'a1');
const AFF = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
const ANTI = "Unschedulable: node(s) didn't match pod anti-affinity rules";
const EXISTING = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";

describe('InterPodAffinity filter', () => {
  const cases: Array<{ name: string; affinity: Affinity; labels?: Record<string, string>; want: Record<string, string> }> = [
    {
      name: 'required affinity admits only nodes in the same zone as a matching pod',
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('cache')] } },
      want: { a1: 'ok', a2: 'ok', b1: AFF },
    },
    {
      name: 'required anti-affinity keeps the pod out of zones with a matching pod',
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('cache')] } },
      want: { a1: ANTI, a2: ANTI, b1: 'ok' },
    },
    {
      name: 'hostname topology narrows the domain to one node',
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('cache', 'kubernetes.io/hostname')] } },
      want: { a1: ANTI, a2: 'ok', b1: 'ok' },
    },
    {
      name: 'the first pod of a self-affine group may go anywhere',
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } },
      labels: { app: 'web' },
      want: { a1: 'ok', a2: 'ok', b1: 'ok' },
    },
    {
      name: 'affinity to pods that exist nowhere rejects every node',
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('nothing')] } },
      want: { a1: AFF, a2: AFF, b1: AFF },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const h = newHarness({ nodes, pods: [cache] });
      const pod = makePod('p', { affinity: c.affinity, ...(c.labels ? { labels: c.labels } : {}) });
      expect(filterResults(newInterPodAffinity({}, h.handle), h, pod)).toEqual(c.want);
    });
  }

  it("an existing pod's anti-affinity rejects a matching newcomer in its zone", () => {
    const guard = bindPod(makePod('guard', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } }), 'b1');
    const h = newHarness({ nodes, pods: [guard] });
    expect(filterResults(newInterPodAffinity({}, h.handle), h, makePod('p', { labels: { app: 'web' } }))).toEqual({ a1: 'ok', a2: 'ok', b1: EXISTING });
  });

  it('terms look only at the namespaces they name', () => {
    const h = newHarness({ nodes, pods: [cache] });
    const t = { ...term('cache'), namespaces: ['other'] };
    const pod = makePod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [t] } } });
    expect(filterResults(newInterPodAffinity({}, h.handle), h, pod)).toEqual({ a1: 'ok', a2: 'ok', b1: 'ok' });
  });
});

describe('InterPodAffinity score', () => {
  it('preferred affinity raises the nodes in the matching pod zone', () => {
    const h = newHarness({ nodes, pods: [cache] });
    const pod = makePod('p', { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('cache') }] } } });
    const r = scoreResults(newInterPodAffinity({}, h.handle), h, pod);
    expect(r.raw).toEqual({ a1: 10, a2: 10, b1: 0 });
    expect(r.normalized).toEqual({ a1: 100, a2: 100, b1: 0 });
  });

  it('preferred anti-affinity lowers them', () => {
    const h = newHarness({ nodes, pods: [cache] });
    const pod = makePod('p', { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('cache') }] } } });
    expect(scoreResults(newInterPodAffinity({}, h.handle), h, pod).normalized).toEqual({ a1: 0, a2: 0, b1: 100 });
  });

  it("an existing pod's required affinity attracts matching pods (hardPodAffinityWeight)", () => {
    const fan = bindPod(makePod('fan', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } }), 'b1');
    const h = newHarness({ nodes, pods: [fan] });
    expect(scoreResults(newInterPodAffinity({ hardPodAffinityWeight: 5 }, h.handle), h, makePod('p', { labels: { app: 'web' } })).raw).toEqual({ a1: 0, a2: 0, b1: 5 });
  });

  it('is skipped when no pod anywhere has affinity terms', () => {
    const h = newHarness({ nodes, pods: [cache] });
    expect(scoreResults(newInterPodAffinity({}, h.handle), h, makePod('p')).skipped).toBe(true);
  });
});
