// A settled Deployment's account of itself, against its ReplicaSets and pods (what `kubectl
// get`, `kubectl rollout status` and every tool built on them read). Deployments scaled (to
// 0 too) and rolled out at random moments, with a random revisionHistoryLimit, keep the
// rollout bounds at every step and, once settled: observedGeneration caught up; status
// replicas, updatedReplicas, readyReplicas and availableReplicas count the pods; every
// ReplicaSet's status counts its own pods; ReplicaSets and their pods carry the
// pod-template-hash of their template in name, labels and selector, and controller
// references with blockOwnerDeletion; old ReplicaSets are scaled to 0 and no more than
// revisionHistoryLimit of them are kept; revisions are distinct and the Deployment's is its
// newest ReplicaSet's. The same 30 s later.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { resources } from '@kubesim/shared';
import {
  applyTemplateChange,
  checkInvariants,
  deploymentArb,
  deploymentPods,
  eventually,
  isActive,
  isReady,
  noNodeOvercommitted,
  nodePoolsArb,
  propertyParameters,
  propertyTimeout,
  REVISION_ANNOTATION,
  revisionOf,
  rolloutBounds,
  simSeedArb,
  templateChangeArb,
  withSimulation,
} from '../src/index.ts';
import { controllerUid } from '../src/invariants/pods.ts';
import type { ClusterState, TemplateChange } from '../src/index.ts';
import type { Deployment, KubeObject } from '../src/types.ts';

const HASH = 'pod-template-hash';

const roomyNodes = nodePoolsArb({ minNodes: 1, maxNodes: 3, cpus: [2, 4], memories: ['4Gi', '8Gi'], taints: false });

/** what is wrong with a controller reference to `owner` (empty: nothing) */
function badControllerRef(o: KubeObject, owner: KubeObject, kind: string, apiVersion: string): string[] {
  const refs = (o.metadata.ownerReferences ?? []).filter((r) => r.controller === true);
  const id = `${o.kind ?? ''} ${o.metadata.name}`;
  if (refs.length !== 1) return [`${id} has ${refs.length} controller references`];
  const r = refs[0]!;
  const out: string[] = [];
  if (r.uid !== owner.metadata.uid || r.name !== owner.metadata.name) out.push(`${id}: controller reference ${r.kind}/${r.name} (${r.uid}) is not its owner ${owner.metadata.name}`);
  if (r.kind !== kind || r.apiVersion !== apiVersion) out.push(`${id}: controller reference is ${r.apiVersion}/${r.kind}, want ${apiVersion}/${kind}`);
  if (r.blockOwnerDeletion !== true) out.push(`${id}: controller reference without blockOwnerDeletion`);
  return out;
}

/** the Deployment's status, ReplicaSets and pods disagree (empty: they agree and the rollout is done) */
function deploymentStatusMismatch(state: ClusterState, name: string): string[] {
  const d = state.deployments.find((x) => x.metadata.namespace === 'default' && x.metadata.name === name);
  if (!d) return [`deployment ${name} not found`];
  const out: string[] = [];
  const st = d.status ?? {};
  const replicas = d.spec.replicas ?? 1;
  const dp = deploymentPods(state, d);
  const newest = dp.newest;
  if ((st.observedGeneration ?? 0) !== (d.metadata.generation ?? 0)) out.push(`observedGeneration ${st.observedGeneration} ≠ generation ${d.metadata.generation}`);
  const ready = dp.active.filter(isReady);
  const onNewest = dp.active.filter((p) => newest && controllerUid(p) === newest.metadata.uid);
  const counts = {
    replicas: [st.replicas ?? 0, dp.active.length],
    updatedReplicas: [st.updatedReplicas ?? 0, onNewest.length],
    readyReplicas: [st.readyReplicas ?? 0, ready.length],
    availableReplicas: [st.availableReplicas ?? 0, dp.available.length],
  };
  for (const [k, [have, want]] of Object.entries(counts)) if (have !== want) out.push(`status.${k} ${have} ≠ ${want} pods`);
  if (dp.active.length !== replicas || dp.available.length !== replicas) out.push(`${dp.active.length} pods, ${dp.available.length} available, want ${replicas}`);
  if ((st.unavailableReplicas ?? 0) !== 0) out.push(`status unavailableReplicas ${st.unavailableReplicas} ≠ 0`);
  const cond = (t: string) => st.conditions?.find((c) => c.type === t);
  if (cond('Available')?.status !== 'True') out.push(`Available is ${cond('Available')?.status ?? 'absent'}`);
  const prog = cond('Progressing');
  if (prog?.status !== 'True' || prog.reason !== 'NewReplicaSetAvailable') out.push(`Progressing is ${prog?.status ?? 'absent'}/${prog?.reason ?? ''}`);
  if (!newest) return [...out, 'no ReplicaSet'];
  if (d.metadata.annotations?.[REVISION_ANNOTATION] !== String(revisionOf(newest))) out.push(`revision ${d.metadata.annotations?.[REVISION_ANNOTATION]} ≠ newest ReplicaSet's ${revisionOf(newest)}`);
  const revisions = dp.replicaSets.map(revisionOf);
  if (new Set(revisions).size !== revisions.length) out.push(`revisions not distinct: ${revisions.join(', ')}`);
  const old = dp.replicaSets.filter((rs) => rs !== newest);
  const limit = d.spec.revisionHistoryLimit ?? 10;
  if (old.length > limit) out.push(`${old.length} old ReplicaSets kept > revisionHistoryLimit ${limit}`);
  for (const rs of dp.replicaSets) {
    const id = `ReplicaSet ${rs.metadata.name}`;
    out.push(...badControllerRef(rs, d, 'Deployment', 'apps/v1'));
    const hash = rs.metadata.labels?.[HASH];
    if (!hash) out.push(`${id} has no ${HASH} label`);
    else {
      if (rs.metadata.name !== `${name}-${hash}`) out.push(`${id} is not named ${name}-${hash}`);
      if (rs.spec?.selector.matchLabels?.[HASH] !== hash) out.push(`${id}: selector's ${HASH} ${rs.spec?.selector.matchLabels?.[HASH]} ≠ ${hash}`);
      if (rs.spec?.template?.metadata?.labels?.[HASH] !== hash) out.push(`${id}: template's ${HASH} ${rs.spec?.template?.metadata?.labels?.[HASH]} ≠ ${hash}`);
    }
    const want = rs === newest ? replicas : 0;
    if ((rs.spec?.replicas ?? 1) !== want) out.push(`${id}: spec.replicas ${rs.spec?.replicas} ≠ ${want}`);
    const pods = state.pods.filter((p) => controllerUid(p) === rs.metadata.uid);
    const active = pods.filter(isActive);
    const rst = rs.status ?? { replicas: 0 };
    if ((rst.observedGeneration ?? 0) !== (rs.metadata.generation ?? 0)) out.push(`${id}: observedGeneration ${rst.observedGeneration} ≠ generation ${rs.metadata.generation}`);
    const rsCounts = {
      replicas: [rst.replicas ?? 0, active.length],
      fullyLabeledReplicas: [rst.fullyLabeledReplicas ?? 0, active.length],
      readyReplicas: [rst.readyReplicas ?? 0, active.filter(isReady).length],
      availableReplicas: [rst.availableReplicas ?? 0, dp.available.filter((p) => controllerUid(p) === rs.metadata.uid).length],
    };
    for (const [k, [have, wantN]] of Object.entries(rsCounts)) if (have !== wantN) out.push(`${id}: status.${k} ${have} ≠ ${wantN} pods`);
    for (const p of pods) {
      out.push(...badControllerRef(p, rs, 'ReplicaSet', 'apps/v1'));
      if (hash && p.metadata.labels?.[HASH] !== hash) out.push(`pod ${p.metadata.name}: ${HASH} ${p.metadata.labels?.[HASH]} ≠ its ReplicaSet's ${hash}`);
    }
  }
  return out;
}

type DeploymentOp = { kind: 'scale'; replicas: number } | { kind: 'template'; change: TemplateChange };

describe('Deployment status', () => {
  it('a Deployment scaled and rolled out at random moments reports its pods and ReplicaSets truthfully once settled', async () => {
    const behaviour = { startDelay: 6, readyAfter: 8, stopDelay: 4, imagePull: 2 } as const;
    const opArb: fc.Arbitrary<DeploymentOp> = fc.oneof(
      fc.integer({ min: 0, max: 6 }).map<DeploymentOp>((replicas) => ({ kind: 'scale', replicas })),
      templateChangeArb({ behaviour }).map<DeploymentOp>((change) => ({ kind: 'template', change })),
    );
    await fc.assert(
      fc.asyncProperty(
        simSeedArb,
        roomyNodes,
        deploymentArb({ replicas: { min: 0, max: 6 }, behaviour, recreate: true, minReadySeconds: 3 }),
        fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        fc.array(fc.record({ afterSeconds: fc.integer({ min: 0, max: 30 }), op: opArb }), { minLength: 1, maxLength: 4 }),
        async (seed, nodes, deployment, historyLimit, ops) => {
          await withSimulation({ seed, nodes, events: false }, async (sim) => {
            checkInvariants(sim, [rolloutBounds(), noNodeOvercommitted()]);
            await sim.apply({ ...deployment, spec: { ...deployment.spec, ...(historyLimit !== undefined ? { revisionHistoryLimit: historyLimit } : {}) } });
            for (const { afterSeconds, op } of ops) {
              await sim.advance(`${afterSeconds}s`);
              await sim.update(resources.deployments, 'web', (d: Deployment) =>
                op.kind === 'scale' ? { ...d, spec: { ...d.spec, replicas: op.replicas } } : applyTemplateChange(d, op.change),
              );
            }
            await eventually(sim, 'deployment default/web settled', (s) => deploymentStatusMismatch(s, 'web'), '15m');
            // and it stays so: nothing left to do, nothing rewritten wrongly
            await sim.advance('30s');
            const why = deploymentStatusMismatch(await sim.state(), 'web');
            if (why.length) throw new Error(`deployment default/web no longer settled 30 s later (seed ${seed}): ${why.join('; ')}`);
          });
        },
      ),
      propertyParameters(),
    );
  }, propertyTimeout());
});
