// Node failure: a node with pods of a Deployment dies (kubelet-sim stops it: no heartbeats).
// The node lifecycle controller marks it Unknown after the grace period and taints it
// node.kubernetes.io/unreachable:NoExecute; the taint eviction controller deletes each pod
// there once its toleration of that taint runs out (tolerationSeconds after the taint's
// timeAdded, generated per Deployment), and the ReplicaSet replaces them elsewhere.
//   - at every step: no pod on the dead node is evicted before its toleration ran out,
//     nor left more than 15 s after; no node overcommitted;
//   - eventually: `replicas` available pods on live nodes.
// Needs the node-lifecycle and taint-eviction controllers: skipped until they are registered.

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { controllerStarters } from '@kubesim/controller-manager';
import type { Node, Pod, Taint, Toleration } from '@kubesim/shared';
import {
  checkInvariants,
  controllerAvailable,
  deploymentArb,
  deploymentPods,
  eventually,
  isAvailable,
  isTerminating,
  noNodeOvercommitted,
  nodePoolsArb,
  nodeNamesOf,
  propertyParameters,
  propertyTimeout,
  rolloutIncomplete,
  simSeedArb,
  tolerates,
  withSimulation,
} from '../src/index.ts';
import type { ClusterState, Invariant } from '../src/index.ts';
import type { Deployment } from '../src/types.ts';

const ready = controllerAvailable(controllerStarters, 'nodelifecycle', 'node-lifecycle') && controllerAvailable(controllerStarters, 'taint-eviction-controller', 'tainteviction');

/** when a pod bound to `node` must go: min over NoExecute taints of timeAdded + tolerationSeconds */
export function evictionDue(pod: Pod, node: Node): number | undefined {
  let due: number | undefined;
  for (const taint of (node.spec?.taints ?? []) as Taint[]) {
    if (taint.effect !== 'NoExecute') continue;
    const tol = (pod.spec?.tolerations ?? []).find((t: Toleration) => tolerates([t], taint));
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : Number.NaN;
    if (!tol) return Number.isFinite(added) ? added : 0;
    if (tol.tolerationSeconds === undefined || !Number.isFinite(added)) continue;
    const at = added + Math.max(0, tol.tolerationSeconds) * 1000;
    due = due === undefined ? at : Math.min(due, at);
  }
  return due;
}

/** pods on dead nodes leave neither early nor (much) late */
export function evictionsOnTime(lateSlackMs = 15_000): Invariant {
  const seenTerminating = new Set<string>();
  return {
    name: 'evictions-on-time',
    timeDependent: true,
    check(state: ClusterState): string[] {
      const out: string[] = [];
      for (const p of state.pods) {
        const node = p.spec?.nodeName ? state.node(p.spec.nodeName) : undefined;
        if (!node) continue;
        const due = evictionDue(p, node);
        const uid = p.metadata.uid ?? '';
        if (isTerminating(p)) {
          if (seenTerminating.has(uid)) continue;
          seenTerminating.add(uid);
          if (due !== undefined && state.now < due) out.push(`pod ${p.metadata.name} on ${node.metadata.name} evicted at ${new Date(state.now).toISOString()}, before its toleration ran out at ${new Date(due).toISOString()}`);
        } else if (due !== undefined && state.now > due + lateSlackMs) {
          out.push(`pod ${p.metadata.name} on ${node.metadata.name} still bound ${(state.now - due) / 1000}s after its toleration ran out`);
        }
      }
      return out;
    },
  };
}

/** explicit not-ready/unreachable tolerations; undefined leaves the apiserver's default (300 s) */
function withTolerationSeconds(d: Deployment, seconds: number | undefined): Deployment {
  if (seconds === undefined) return d;
  const tolerations: Toleration[] = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'].map((key) => ({
    key,
    operator: 'Exists',
    effect: 'NoExecute',
    tolerationSeconds: seconds,
  }));
  const t = d.spec.template;
  return { ...d, spec: { ...d.spec, template: { ...t, spec: { ...t.spec!, tolerations } } } };
}

function replacedOnLiveNodes(state: ClusterState, dead: string): string[] {
  const d = state.deployments.find((x) => x.metadata.name === 'web');
  if (!d) return ['deployment gone'];
  const dp = deploymentPods(state, d);
  const live = dp.active.filter((p) => p.spec?.nodeName !== dead && isAvailable(p, d.spec.minReadySeconds ?? 0, state.now));
  const want = d.spec.replicas ?? 1;
  return live.length >= want ? [] : [`${live.length} available pods on live nodes, want ${want}`];
}

describe.skipIf(!ready)('node failure properties', () => {
  it('evicts pods from a dead node when their toleration runs out, and replaces them elsewhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        simSeedArb,
        nodePoolsArb({ minNodes: 2, maxNodes: 4, cpus: [2, 4], taints: false }),
        deploymentArb({ replicas: { min: 1, max: 6 }, behaviour: { startDelay: 5, readyAfter: 5, stopDelay: false, imagePull: false } }),
        fc.option(fc.constantFrom(0, 5, 30, 90), { nil: undefined, freq: 6 }),
        fc.nat(),
        async (seed, nodes, deployment, tolerationSeconds, pick) => {
          await withSimulation({ seed, nodes, events: false }, async (sim) => {
            await sim.apply(withTolerationSeconds(deployment, tolerationSeconds));
            await eventually(sim, 'initial rollout', (s) => rolloutIncomplete(s, 'default', 'web'), '10m');
            const state = await sim.state();
            const used = [...new Set(state.pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n))];
            const names = nodeNamesOf(nodes);
            const dead = used.length ? used[pick % used.length]! : names[pick % names.length]!;
            checkInvariants(sim, [evictionsOnTime(), noNodeOvercommitted()]);
            sim.nodes.stop(dead);
            await eventually(sim, `replacing the pods of dead node ${dead}`, (s) => replacedOnLiveNodes(s, dead), '15m');
          });
        },
      ),
      propertyParameters(),
    );
  }, propertyTimeout());
});
