import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePod } from '../testing/builders.ts';
import type { Pod } from '../types.ts';
import { newPodInfo } from './pod-info.ts';
import { podInfoForUpdate, samePodInfoInputs } from './pod-info-update.ts';

const base = makePod('web-1', { namespace: 'default', labels: { app: 'web' }, cpu: '100m', memory: '128Mi' });

/** one change a controller, the kubelet or a user might make to a pod */
const edits: Array<[string, (p: Pod) => Pod]> = [
  ['status write', (p) => ({ ...p, status: { ...p.status, phase: 'Running' } })],
  ['binding', (p) => ({ ...p, spec: { ...p.spec!, nodeName: 'node-1' } })],
  ['priority', (p) => ({ ...p, spec: { ...p.spec!, priority: 7 } })],
  ['labels', (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'api' } } })],
  ['requests', (p) => ({ ...p, spec: { ...p.spec!, containers: [{ name: 'c', resources: { requests: { cpu: '2' } } }] } })],
  ['host port', (p) => ({ ...p, spec: { ...p.spec!, containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }] } })],
  ['init container', (p) => ({ ...p, spec: { ...p.spec!, initContainers: [{ name: 'i', resources: { requests: { cpu: '3' } } }] } })],
  ['overhead', (p) => ({ ...p, spec: { ...p.spec!, overhead: { cpu: '10m' } } })],
  [
    'affinity',
    (p) => ({
      ...p,
      spec: {
        ...p.spec!,
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['app'] }] } },
      },
    }),
  ],
  ['uid', (p) => ({ ...p, metadata: { ...p.metadata, uid: 'other' } })],
];

/** the parts of a PodInfo a plugin reads, as plain data (matchers applied to a few label sets) */
function observable(pi: ReturnType<typeof newPodInfo>): unknown {
  const samples = [{ app: 'web' }, { app: 'api' }, undefined];
  const terms = [pi.requiredAffinityTerms, pi.requiredAntiAffinityTerms, pi.preferredAffinityTerms, pi.preferredAntiAffinityTerms].map((ts) =>
    ts.map((t) => ({ ns: [...t.namespaces], topologyKey: t.topologyKey, matches: samples.map((l) => t.selector(l)), weight: (t as { weight?: number }).weight })),
  );
  return { key: pi.key, uid: pi.uid, namespace: pi.namespace, priority: pi.priority, requests: pi.requests, nonZero: pi.nonZeroRequests, hostPorts: pi.hostPorts, terms };
}

describe('podInfoForUpdate', () => {
  it('gives what newPodInfo gives, after any sequence of edits', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: edits.length - 1 }), { maxLength: 6 }), fc.integer({ min: 0, max: 9 }), (steps, priority) => {
        let pod = base;
        let pi = newPodInfo(pod, 0);
        for (const s of steps) {
          pod = edits[s]![1](pod);
          pi = podInfoForUpdate(pi, pod, priority);
          expect(pi.pod).toBe(pod);
          expect(observable(pi)).toEqual(observable(newPodInfo(pod, priority)));
        }
      }),
    );
  });

  it('carries the parts over when only the status or the node changed', () => {
    const prev = newPodInfo(base, 0);
    for (const name of ['status write', 'binding']) {
      const next = podInfoForUpdate(prev, edits.find(([n]) => n === name)![1](base), 0);
      expect(next.requests).toBe(prev.requests);
      expect(next.requiredAntiAffinityTerms).toBe(prev.requiredAntiAffinityTerms);
    }
  });

  it('starts afresh when something newPodInfo reads changed', () => {
    for (const [name, edit] of edits) {
      const changed = !['status write', 'binding', 'priority'].includes(name);
      expect(samePodInfoInputs(base, edit(base)), name).toBe(!changed);
    }
  });
});
