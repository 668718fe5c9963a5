// The node lifecycle controller notices dead nodes. Kubernetes (pkg/controller/nodelifecycle):
// every nodeMonitorPeriod (5 s) it checks each node's heartbeats (health.ts); a node silent
// for nodeMonitorGracePeriod (50 s) gets Ready/MemoryPressure/DiskPressure/PIDPressure =
// Unknown ("Kubelet stopped posting node status."). When Ready stops being True it records
// NodeNotReady and marks the node's pods not ready. From the conditions it keeps the
// node's taints (taints.ts): NoSchedule by condition and for spec.unschedulable, and the
// not-ready/unreachable NoExecute taint — added at --node-eviction-rate
// (eviction-limiter.ts), removed as soon as the node is Ready again. Evicting the pods is
// the taint eviction controller's job (taint-eviction.ts).
// kubesim: one queue keyed by node name, fed by node/lease events and the periodic tick;
// no zones (so no disruption modes), no cloud-provider node deletion. A look that changes
// nothing makes the node "quiet" until its Node object changes: a lease renewal of a quiet
// node then only notes the probe time, and the tick skips it while it is within its grace
// period — a look would find the same again (Kubernetes reads Leases from its lister at
// each nodeMonitorPeriod rather than per event; kubesim notes renewals as they come).

import { createWorkQueue, finalStateOf, formatTime, isNotFound, resources, runController } from '@kubesim/shared';
import type { KubeObject, Node, Pod, ReconcileResult, SharedInformer } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { EvictionRateLimiter } from './eviction-limiter.ts';
import { NodeHealthTracker, conditionsMarkedUnknown, observeLease } from './health.ts';
import type { LeaseLike } from './health.ts';
import { ensureNodeNameIndex, podsOnNode } from './pods-by-node.ts';
import { TAINT_NOT_READY, TAINT_UNREACHABLE, hasNoExecuteTaint, noExecuteTaintKey, noScheduleTaintKeys, nodeCondition, reconcileControllerTaints, sameTaints } from './taints.ts';

export const NODE_LIFECYCLE_CONTROLLER = 'node-lifecycle-controller';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLifecycleOptions {
  /** how often every node is checked (--node-monitor-period, default 5 s) */
  nodeMonitorPeriodMs?: number;
  /** silence after which a node is Unknown (--node-monitor-grace-period, default 50 s) */
  nodeMonitorGracePeriodMs?: number;
  /** the same for a node that has never reported Ready (default 60 s from its creation) */
  nodeStartupGracePeriodMs?: number;
  /** nodes per second that may get a new NoExecute taint (--node-eviction-rate, default 0.1;
   *  Infinity: no limit; 0: never) */
  nodeEvictionRate?: number;
}

type LeaseObject = KubeObject & LeaseLike;

export function startNodeLifecycleController(ctx: ControllerContext, opts: NodeLifecycleOptions = {}): RunningController {
  const period = opts.nodeMonitorPeriodMs ?? 5_000;
  const nodeInformer = ctx.informers.forResource(resources.nodes);
  const podInformer = ctx.informers.forResource(resources.pods);
  // all namespaces: the informer other controllers (the garbage collector) already share
  const leaseInformer = ctx.informers.forResource<LeaseObject>(resources.leases);
  ensureNodeNameIndex(podInformer);
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'node_lifecycle' });
  const state: NodeLifecycleState = {
    ctx,
    nodeInformer,
    podInformer,
    leaseInformer,
    health: new NodeHealthTracker(),
    limiter: new EvictionRateLimiter(ctx.clock, opts.nodeEvictionRate ?? 0.1),
    gracePeriodMs: opts.nodeMonitorGracePeriodMs ?? 50_000,
    startupGracePeriodMs: opts.nodeStartupGracePeriodMs ?? 60_000,
    quiet: new Map(),
  };

  const enqueueLease = (lease: LeaseObject): void => {
    if (lease.metadata.namespace !== NODE_LEASE_NAMESPACE) return;
    const name = lease.metadata.name ?? '';
    if (!noteQuietRenewal(state, name, lease)) queue.add(name);
  };
  const handles = [
    nodeInformer.addEventHandler({
      onAdd: (node) => queue.add(node.metadata.name ?? ''),
      onUpdate: (_old, node) => queue.add(node.metadata.name ?? ''),
      onDelete: (obj) => {
        const node = finalStateOf(obj);
        const name = node.metadata.name ?? '';
        if (state.health.get(name)) ctx.recorder.event(node, 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
        state.health.forget(name);
        state.quiet.delete(name);
      },
    }),
    leaseInformer.addEventHandler({
      onAdd: (lease) => enqueueLease(lease),
      onUpdate: (_old, lease) => enqueueLease(lease),
    }),
  ];
  const tick = ctx.clock.setInterval(() => {
    for (const name of nodeInformer.store.listKeys()) if (!stillQuiet(state, name)) queue.add(name);
  }, period);

  const stop = runController({
    name: NODE_LIFECYCLE_CONTROLLER,
    queue,
    workers: ctx.workers ?? 5,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (name) => syncNode(state, name),
  });
  return {
    name: NODE_LIFECYCLE_CONTROLLER,
    async stop() {
      ctx.clock.clearInterval(tick);
      for (const h of handles) h.remove();
      await stop();
    },
  };
}

interface NodeLifecycleState {
  ctx: ControllerContext;
  nodeInformer: SharedInformer<Node>;
  podInformer: SharedInformer<Pod>;
  leaseInformer: SharedInformer<LeaseObject>;
  health: NodeHealthTracker;
  limiter: EvictionRateLimiter;
  gracePeriodMs: number;
  startupGracePeriodMs: number;
  /** node name → what its last look found nothing to do about (see QuietNode) */
  quiet: Map<string, QuietNode>;
}

/**
 * A node whose last look wrote nothing, recorded no event and asked for no retry. Another
 * look at the same Node object, with no newer lease, within the grace period, would find
 * the same: health, Ready status, taints and (not asked) the eviction limiter depend on
 * nothing else. A look forgets it as it starts; a changed Node is a different object.
 */
interface QuietNode {
  node: Node;
  graceMs: number;
}

/** the node is quiet and still within its grace period: a look now would change nothing */
function stillQuiet(s: NodeLifecycleState, name: string): boolean {
  const q = s.quiet.get(name);
  if (!q || s.nodeInformer.store.get(name) !== q.node) return false;
  const health = s.health.get(name);
  return health !== undefined && s.ctx.clock.now() - health.probeTimestamp <= q.graceMs;
}

/** a lease event of a quiet node: note the renewal; true if that is all a look would do
 *  (stillQuiet after the renewal, from the same lookups: one per renewal of every node) */
function noteQuietRenewal(s: NodeLifecycleState, name: string, lease: LeaseObject): boolean {
  const q = s.quiet.get(name);
  if (!q) return false;
  const health = s.health.get(name);
  if (!health || s.nodeInformer.store.get(name) !== q.node) return false;
  const now = s.ctx.clock.now();
  observeLease(health, lease, now);
  return now - health.probeTimestamp <= q.graceMs;
}

/** one look at one node: health, conditions, pods on a newly not-ready node, taints */
async function syncNode(s: NodeLifecycleState, name: string): Promise<void | ReconcileResult> {
  const { ctx } = s;
  s.quiet.delete(name);
  const cached = s.nodeInformer.store.get(name);
  if (!cached) return;
  const now = ctx.clock.now();
  const { health, first } = s.health.observe(cached, s.leaseInformer.store.get(`${NODE_LEASE_NAMESPACE}/${name}`), now);
  if (first) ctx.recorder.event(cached, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);

  // read straight from the (frozen) cache: most looks change nothing, and the writes below
  // build new objects around the cached parts (the apiserver copies what it is sent)
  let node: Node = cached;
  let acted = false;
  const grace = nodeCondition(node, 'Ready') ? s.gracePeriodMs : s.startupGracePeriodMs;
  if (now - health.probeTimestamp > grace) {
    const conditions = conditionsMarkedUnknown(node, formatTime(now));
    if (conditions) {
      acted = true;
      node = await writeNode(ctx, { ...node, status: { ...node.status, conditions } }, 'status');
    }
  }

  const ready = nodeCondition(node, 'Ready')?.status;
  if (health.lastReadyStatus === 'True' && ready !== 'True') {
    acted = true;
    ctx.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
    await markPodsNotReady(s, name);
  }
  health.lastReadyStatus = ready;

  // taint-based eviction: a fresh NoExecute taint waits for the rate limiter; a swap does not
  let noExecute = noExecuteTaintKey(node);
  let retryAfter: number | undefined;
  if (noExecute && !hasNoExecuteTaint(node, noExecute)) {
    const swap = hasNoExecuteTaint(node, noExecute === TAINT_NOT_READY ? TAINT_UNREACHABLE : TAINT_NOT_READY);
    if (!swap && !s.limiter.tryAccept()) {
      retryAfter = s.limiter.msUntilNext();
      noExecute = [TAINT_NOT_READY, TAINT_UNREACHABLE].find((k) => hasNoExecuteTaint(node, k));
    }
  }
  const taints = reconcileControllerTaints(node.spec?.taints, noScheduleTaintKeys(node), noExecute, formatTime(now));
  if (!sameTaints(taints, node.spec?.taints ?? [])) {
    const spec = { ...node.spec };
    if (taints.length) spec.taints = taints;
    else delete spec.taints;
    await writeNode(ctx, { ...node, spec });
    return retryLater(retryAfter);
  }
  if (retryAfter === undefined && !acted) s.quiet.set(name, { node: cached, graceMs: grace });
  return retryLater(retryAfter);
}

function retryLater(retryAfter: number | undefined): ReconcileResult | undefined {
  return retryAfter !== undefined && Number.isFinite(retryAfter) ? { requeueAfter: Math.max(retryAfter, 100) } : undefined;
}

/** PUT the node (or its status) at the resourceVersion read; a conflict goes back to the queue */
function writeNode(ctx: ControllerContext, node: Node, subresource?: 'status'): Promise<Node> {
  return ctx.client.update(resources.nodes, node, subresource ? { subresource } : {});
}

/** Ready=False on every pod of a node that stopped being Ready (Kubernetes: MarkPodsNotReady) */
async function markPodsNotReady(s: NodeLifecycleState, nodeName: string): Promise<void> {
  const { ctx } = s;
  const now = formatTime(ctx.clock.now());
  for (const cached of podsOnNode(s.podInformer, nodeName)) {
    const i = cached.status?.conditions?.findIndex((c) => c.type === 'Ready') ?? -1;
    if (i < 0 || cached.status!.conditions![i]!.status !== 'True') continue;
    const pod = structuredClone(cached) as Pod;
    pod.status!.conditions![i] = { ...pod.status!.conditions![i]!, status: 'False', lastTransitionTime: now };
    try {
      await ctx.client.update(resources.pods, pod, { namespace: pod.metadata.namespace ?? '', subresource: 'status' });
      ctx.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
