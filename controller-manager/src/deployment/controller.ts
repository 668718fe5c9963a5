// The Deployment controller: declarative rollouts over ReplicaSets.
// Kubernetes (pkg/controller/deployment): for each Deployment it claims the ReplicaSets
// its selector matches, then — depending on what changed — only rescales (a replicas
// change or a paused Deployment), or rolls out the template with the Recreate or
// RollingUpdate strategy, writing status and the Progressing/Available conditions that
// `kubectl rollout status` reads. Old empty ReplicaSets beyond revisionHistoryLimit go.
// kubesim: the same structure (sync, rolling, recreate, progress), over shared informers.

import {
  createWorkQueue,
  finalStateOf,
  getControllerOf,
  isConflict,
  isNotFound,
  labelSelectorAsSelector,
  metaNamespaceKey,
  newControllerRef,
  resources,
  runController,
} from '@kubesim/shared';
import type { Deployment, Pod, ReplicaSet, ReconcileResult, SharedInformer } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { getCondition, setCondition, type WorkloadCondition } from '../conditions.ts';
import { deploymentCondition } from './progress.ts';
import { rolloutRecreate } from './recreate.ts';
import { getAllReplicaSetsAndSyncRevision } from './replicasets.ts';
import { rolloutRolling } from './rolling.ts';
import { cleanupDeployment, isScalingEvent, scale, syncStatus, writeStatus } from './sync.ts';

export const DEPLOYMENT_CONTROLLER = 'deployment-controller';

interface Caches {
  deployments: SharedInformer<Deployment>;
  replicasets: SharedInformer<ReplicaSet>;
  pods: SharedInformer<Pod>;
}

export function startDeploymentController(ctx: ControllerContext): RunningController {
  const caches: Caches = {
    deployments: ctx.informers.forResource(resources.deployments),
    replicasets: ctx.informers.forResource(resources.replicasets),
    pods: ctx.informers.forResource(resources.pods),
  };
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'deployment' });

  const ownersOfRS = (rs: ReplicaSet): string[] => {
    const ns = rs.metadata.namespace ?? '';
    const ref = getControllerOf(rs);
    if (ref) {
      if (ref.kind !== 'Deployment') return [];
      const d = caches.deployments.store.get(`${ns}/${ref.name}`);
      return d && d.metadata.uid === ref.uid ? [`${ns}/${ref.name}`] : [];
    }
    return caches.deployments.store
      .byIndex('namespace', ns)
      .filter((d) => labelSelectorAsSelector(d.spec?.selector).matches(rs.metadata.labels ?? {}))
      .map(metaNamespaceKey);
  };

  caches.deployments.addEventHandler({
    onAdd: (d) => queue.add(metaNamespaceKey(d)),
    onUpdate: (_o, d) => queue.add(metaNamespaceKey(d)),
    onDelete: (d) => queue.add(metaNamespaceKey(finalStateOf(d))),
  });
  caches.replicasets.addEventHandler({
    onAdd: (rs) => ownersOfRS(rs).forEach((k) => queue.add(k)),
    onUpdate: (old, rs) => new Set([...ownersOfRS(old), ...ownersOfRS(rs)]).forEach((k) => queue.add(k)),
    onDelete: (rs) => ownersOfRS(finalStateOf(rs)).forEach((k) => queue.add(k)),
  });
  // Recreate waits for old pods to be gone: their deletion is worth a look.
  caches.pods.addEventHandler({
    onDelete: (obj) => {
      const pod = finalStateOf(obj);
      const ref = getControllerOf(pod);
      if (ref?.kind !== 'ReplicaSet') return;
      const rs = caches.replicasets.store.get(`${pod.metadata.namespace}/${ref.name}`);
      if (rs) ownersOfRS(rs).forEach((k) => queue.add(k));
    },
  });

  const stop = runController({
    name: DEPLOYMENT_CONTROLLER,
    queue,
    workers: ctx.workers ?? 5,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (key) => syncDeployment(ctx, caches, key),
  });
  return { name: DEPLOYMENT_CONTROLLER, stop };
}

async function syncDeployment(ctx: ControllerContext, caches: Caches, key: string): Promise<void | ReconcileResult> {
  const cached = caches.deployments.store.get(key);
  if (!cached) return;
  // read from the (frozen) cache; every write below sends a new object built around it
  let d: Deployment = cached;
  const namespace = d.metadata.namespace ?? 'default';

  const selector = d.spec?.selector;
  if (!selector || (!selector.matchLabels && !selector.matchExpressions?.length)) {
    ctx.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) await writeStatus(ctx, d, { ...d.status, observedGeneration: d.metadata.generation ?? 0 });
    return;
  }

  const rss = await claimReplicaSets(ctx, d, caches.replicasets.store.byIndex('namespace', namespace));
  if (d.metadata.deletionTimestamp) {
    const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rss, false);
    return syncStatus(ctx, d, newRS ? [...oldRSs, newRS] : oldRSs, newRS);
  }

  d = await checkPausedConditions(ctx, d);
  if (d.spec?.paused || isScalingEvent(d, rss)) {
    const { newRS, oldRSs, d: d2 } = await getAllReplicaSetsAndSyncRevision(ctx, d, rss, false);
    await scale(ctx, d2, newRS, oldRSs);
    if (d2.spec?.paused) await cleanupDeployment(ctx, d2, oldRSs);
    // Read the ReplicaSets back from the cache next time; status counts come from there.
    return syncStatus(ctx, d2, newRS ? [...oldRSs, newRS] : oldRSs, newRS);
  }

  if (d.spec?.strategy?.type === 'Recreate') {
    return rolloutRecreate(ctx, d, rss, caches.pods.store.byIndex('namespace', namespace));
  }
  return rolloutRolling(ctx, d, rss);
}

/** Progressing=Unknown with DeploymentPaused / DeploymentResumed as the Deployment is paused or resumed. */
async function checkPausedConditions(ctx: ControllerContext, d: Deployment): Promise<Deployment> {
  if (d.spec?.progressDeadlineSeconds === undefined) return d;
  const conds = d.status?.conditions as WorkloadCondition[] | undefined;
  const cond = getCondition(conds, 'Progressing');
  if (cond?.reason === 'ProgressDeadlineExceeded') return d;
  const now = ctx.clock.now();
  let next: WorkloadCondition | undefined;
  if (d.spec?.paused && cond?.reason !== 'DeploymentPaused') next = deploymentCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', now);
  else if (!d.spec?.paused && cond?.reason === 'DeploymentPaused') next = deploymentCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', now);
  if (!next) return d;
  return writeStatus(ctx, d, { ...d.status, conditions: setCondition(conds, next) as never });
}

/** Adopt matching orphan ReplicaSets, release owned ones that no longer match. */
async function claimReplicaSets(ctx: ControllerContext, d: Deployment, candidates: readonly ReplicaSet[]): Promise<ReplicaSet[]> {
  const selector = labelSelectorAsSelector(d.spec?.selector);
  const owned: ReplicaSet[] = [];
  for (const rs of candidates) {
    const ref = getControllerOf(rs);
    const matches = selector.matches(rs.metadata.labels ?? {});
    if (ref) {
      if (ref.uid !== d.metadata.uid) continue;
      if (matches) owned.push(rs);
      else await patchOwners(ctx, rs, (rs.metadata.ownerReferences ?? []).filter((r) => r.uid !== d.metadata.uid));
      continue;
    }
    if (!matches || d.metadata.deletionTimestamp) continue;
    if (await patchOwners(ctx, rs, [...(rs.metadata.ownerReferences ?? []), newControllerRef(d, { apiVersion: 'apps/v1', kind: 'Deployment' })])) owned.push(rs);
  }
  return owned;
}

async function patchOwners(ctx: ControllerContext, rs: ReplicaSet, ownerReferences: NonNullable<ReplicaSet['metadata']['ownerReferences']>): Promise<boolean> {
  try {
    await ctx.client.patch(resources.replicasets, rs.metadata.name ?? '', { metadata: { ownerReferences, resourceVersion: rs.metadata.resourceVersion } }, {
      type: 'merge',
      namespace: rs.metadata.namespace ?? 'default',
    });
    return true;
  } catch (err) {
    if (isNotFound(err) || isConflict(err)) return false;
    throw err;
  }
}
