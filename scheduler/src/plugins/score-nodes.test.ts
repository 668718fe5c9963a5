import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@kubesim/shared';
import { SchedulerCache } from '../cache/cache.ts';
import { CycleState } from '../framework/cycle-state.ts';
import type { Listers } from '../framework/interfaces.ts';
import { newPodInfo } from '../framework/pod-info.ts';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import { testFramework } from '../testing/test-framework.ts';
import type { Pod } from '../types.ts';

const workloadSelectorsFor: Listers['workloadSelectorsFor'] = (pod) => (pod.metadata.labels?.['app'] ? [{ app: pod.metadata.labels['app'] }] : undefined);

const ZONE = 'topology.kubernetes.io/zone';

/** the incoming pod: one of a few shapes that wake up every default score plugin */
function incoming(kind: number, app: string): Pod {
  switch (kind) {
    case 0:
      return makePod('new', { labels: { app }, image: 'nginx:1.25', spec: {} });
    case 1:
      return makePod('new', {
        labels: { app },
        cpu: '300m',
        memory: '1Gi',
        tolerations: [{ key: 'soft', operator: 'Exists', effect: 'PreferNoSchedule' }],
        affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 40, preference: { matchExpressions: [{ key: ZONE, operator: 'In', values: ['a'] }] } }] } },
      });
    case 2:
      return makePod('new', {
        labels: { app },
        cpu: '100m',
        affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app } } } }] } },
      });
    default:
      return makePod('new', {
        labels: { app },
        cpu: '200m',
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app } } }],
      });
  }
}

describe('ScorePlugin.scoreNodes', () => {
  it('gives every in-tree plugin the numbers its score() gives node by node', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 8 }), zone: fc.constantFrom('a', 'b', 'c', undefined), soft: fc.boolean(), image: fc.boolean() }), { minLength: 2, maxLength: 12 }),
        fc.array(fc.record({ node: fc.nat(), app: fc.constantFrom('web', 'db'), milli: fc.integer({ min: 0, max: 900 }) }), { maxLength: 30 }),
        fc.nat(3),
        fc.constantFrom('web', 'db'),
        (nodeSpecs, podSpecs, kind, app) => {
          const cache = new SchedulerCache(new VirtualClock());
          nodeSpecs.forEach((n, i) =>
            cache.addNode(
              makeNode(`n${i}`, {
                cpu: String(n.cpu),
                ...(n.zone ? { zone: n.zone } : {}),
                ...(n.soft ? { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }, { key: 'other', value: 'x', effect: 'PreferNoSchedule' }] } : {}),
                ...(n.image ? { images: [{ names: ['nginx:1.25'], sizeBytes: 300 * 1024 * 1024 }] } : {}),
              }),
            ),
          );
          podSpecs.forEach((p, i) => {
            const node = `n${p.node % nodeSpecs.length}`;
            const existing = makePod(`e${i}`, { labels: { app: p.app }, ...(p.milli ? { cpu: `${p.milli}m` } : {}), ...(i % 5 === 0 ? { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 7, podAffinityTerm: { topologyKey: ZONE, labelSelector: { matchLabels: { app } } } }] } } } : {}) });
            cache.addOrUpdatePod(newPodInfo(bindPod(existing, node)), node);
          });
          const fwk = testFramework({ cache, listers: { workloadSelectorsFor } });
          const pod = newPodInfo(incoming(kind, app));
          const nodes = cache.list();
          const state = new CycleState();
          fwk.runPreFilterPlugins(state, pod, nodes);
          fwk.runPreScorePlugins(state, pod, nodes);
          for (const { plugin } of fwk.scorePlugins) {
            if (state.skipScorePlugins.has(plugin.name)) continue;
            expect(plugin.scoreNodes, plugin.name).toBeDefined();
            const batch = new Float64Array(nodes.length).fill(-1);
            plugin.scoreNodes!(state, pod, nodes, batch);
            expect([...batch], plugin.name).toEqual(nodes.map((ni) => plugin.score(state, pod, ni)));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
