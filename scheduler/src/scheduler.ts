// Scheduler: the loop that takes pods from the queue and gives each a node.
//   scheduling cycle (synchronous, one pod at a time):
//     schedulePod → if no node fits: PostFilter (preemption), FailedScheduling, park the pod;
//     else assume the pod on the node (cache), Reserve, Permit.
//   binding cycle (asynchronous, many at once): wait for Permit, PreBind, Bind (POST
//     pods/binding), then the `Scheduled` event; on failure forget the assumption and retry.
// It is fed by informer events (onPodAdd/..., onNodeAdd/...) — see component.ts for the
// wiring — and keeps the last decision per pod for explanations. An update that changes a
// pod's uid (deleted and recreated under its name, merged by a relist) is a delete plus an
// add. A cycle that throws is an Error for its pod, never the end of the loop.
// Runs on the injected Clock and Random only; `drain()` schedules synchronously for tests.

import { errorMessage, noopLogger } from '@kubesim/shared';
import type { Client, Clock, LoggerLike, Random, TimerHandle } from '@kubesim/shared';
import { newEventSink, updatePodScheduledCondition } from './reporting.ts';
import { SchedulerCache } from './cache/cache.ts';
import type { PodRef } from './cache/cache.ts';
import { resolveConfiguration } from './framework/config.ts';
import type { KubeSchedulerConfiguration } from './framework/config.ts';
import { CycleState } from './framework/cycle-state.ts';
import { fitErrorMessage } from './framework/fit-error.ts';
import { Framework } from './framework/framework.ts';
import { ScoreBuffers } from './framework/score-buffers.ts';
import { emptyListers } from './framework/empty-listers.ts';
import type { ClusterEvent, EventSink, Listers } from './framework/interfaces.ts';
import { ActionType } from './framework/interfaces.ts';
import { newPodInfo, podKey } from './framework/pod-info.ts';
import type { PodInfo } from './framework/pod-info.ts';
import { podInfoForUpdate } from './framework/pod-info-update.ts';
import { Status } from './framework/status.ts';
import { DecisionStore } from './explain/decision.ts';
import { gatedExplanation } from './explain/decision.ts';
import type { Explanation, Outcome } from './explain/decision.ts';
import { assignedPodUpdateActions, isEventRelevant, nodeUpdateActions, unscheduledPodUpdateActions } from './event-handlers.ts';
import { inTreeRegistry } from './plugins/registry.ts';
import type { Registry } from './plugins/registry.ts';
import { SchedulingQueue } from './queue/scheduling-queue.ts';
import type { QueuedPod } from './queue/scheduling-queue.ts';
import { ScheduleAlgorithm } from './schedule-pod.ts';
import type { ScheduleAttempt } from './schedule-pod.ts';
import type { Node, Pod } from './types.ts';

export interface SchedulerOptions {
  clock: Clock;
  random: Random;
  /** for bindings, status updates, events and preemption; without one, bindings fail */
  client?: Client;
  config?: KubeSchedulerConfiguration | string;
  registry?: Registry;
  listers?: Partial<Listers>;
  events?: EventSink;
  logger?: LoggerLike;
  /** how many pods' last decisions to keep (default 500; 0 disables explanations) */
  explainCapacity?: number;
  /** expire assumed pods this long after binding (default 0: never, as kube-scheduler) */
  assumedPodTTLMs?: number;
  /** yield to the event loop after this many attempts in a row (default 64) */
  yieldEvery?: number;
  /** ... or once a run of attempts has taken this long on the clock (default 10 ms) */
  yieldAfterMs?: number;
  /** observe each finished attempt (benchmarks) */
  onAttempt?: (pod: Pod, outcome: Outcome, node: string | undefined) => void;
}

const MAX_MESSAGE = 1024;
const truncate = (m: string): string => (m.length <= MAX_MESSAGE ? m : `${m.slice(0, MAX_MESSAGE - 15)} ...(truncated)`);

export class Scheduler {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly frameworks = new Map<string, Framework>();
  readonly decisions: DecisionStore;
  readonly algorithm: ScheduleAlgorithm;
  private readonly o: SchedulerOptions;
  private readonly clock: Clock;
  private readonly log: LoggerLike;
  private readonly listers: Listers;
  private readonly events: EventSink;
  private readonly podInfos = new WeakMap<Pod, PodInfo>();
  /** the cycles' score arrays, recycled once no explanation needs them */
  private readonly scoreBuffers = new ScoreBuffers();
  private readonly pods = new Map<string, Pod>();
  private readonly bindings = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private stopped = false;
  private cleanupTimer: TimerHandle | undefined;

  constructor(o: SchedulerOptions) {
    this.o = o;
    this.clock = o.clock;
    this.log = o.logger ?? noopLogger;
    const cfg = resolveConfiguration(o.config);
    this.cache = new SchedulerCache(o.clock, o.assumedPodTTLMs ?? 0);
    this.decisions = new DecisionStore(o.explainCapacity ?? 500, undefined, undefined, (totals) => this.scoreBuffers.give(totals));
    this.listers = emptyListers({ pod: (ns, name) => this.pods.get(`${ns}/${name}`), ...o.listers });
    this.events = o.events ?? newEventSink(o.client, o.clock, this.log, o.random);
    for (const profile of cfg.profiles) {
      const fwk = new Framework({
        profile,
        registry: o.registry ?? inTreeRegistry,
        snapshot: this.cache,
        listers: this.listers,
        client: o.client,
        clock: o.clock,
        random: o.random,
        events: this.events,
        nominatedPodsForNode: (n) => this.queue.nominator.podsForNode(n),
        anyNominatedPods: () => this.queue.nominator.size > 0,
        podInfo: (p) => this.podInfo(p),
        scoreBuffers: this.scoreBuffers,
      });
      this.frameworks.set(profile.schedulerName, fwk);
    }
    const first = this.frameworks.values().next().value!;
    this.queue = new SchedulingQueue({
      clock: o.clock,
      less: (a, b) => first.queueSortPlugin.less(a, b),
      preEnqueue: (pi) => (this.frameworkFor(pi.pod) ?? first).runPreEnqueuePlugins(pi.pod),
      isRelevant: (qp, ev) => isEventRelevant(this.frameworkFor(qp.podInfo.pod), qp, ev),
      podInitialBackoffMs: cfg.podInitialBackoffMs,
      podMaxBackoffMs: cfg.podMaxBackoffMs,
    });
    this.algorithm = new ScheduleAlgorithm(this.cache, o.random, cfg.percentageOfNodesToScore);
    this.queue.nominator.onRoomFreed = () => this.moveAll({ resource: 'AssignedPod', actions: ActionType.Delete, label: 'NominatedPodRemoved' });
  }

  /** the PodInfo for a pod object (cached; resolves priority from PriorityClasses if needed) */
  podInfo(pod: Pod): PodInfo {
    let pi = this.podInfos.get(pod);
    if (!pi) {
      pi = newPodInfo(pod, this.priorityOf(pod));
      this.podInfos.set(pod, pi);
    }
    return pi;
  }

  /** the PodInfo for `pod`, a newer version of the pod whose PodInfo is `prev` (if it had one) */
  private updatedPodInfo(prev: PodInfo | undefined, pod: Pod): PodInfo {
    let pi = this.podInfos.get(pod);
    if (!pi) {
      pi = prev ? podInfoForUpdate(prev, pod, this.priorityOf(pod)) : newPodInfo(pod, this.priorityOf(pod));
      this.podInfos.set(pod, pi);
    }
    return pi;
  }

  private priorityOf(pod: Pod): number {
    if (pod.spec?.priority !== undefined) return pod.spec.priority;
    const classes = this.listers.priorityClasses();
    const name = pod.spec?.priorityClassName;
    const pc = name ? classes.find((c) => c.metadata.name === name) : classes.find((c) => c.globalDefault);
    return pc?.value ?? 0;
  }

  frameworkFor(pod: Pod): Framework | undefined {
    return this.frameworks.get(pod.spec?.schedulerName ?? 'default-scheduler');
  }

  // ---- informer events ---------------------------------------------------------------

  onNodeAdd(node: Node): void {
    this.cache.addNode(node);
    this.moveAll({ resource: 'Node', actions: ActionType.Add, label: 'NodeAdd' });
  }

  onNodeUpdate(old: Node, node: Node): void {
    this.cache.updateNode(node);
    const actions = nodeUpdateActions(old, node);
    if (actions) this.moveAll({ resource: 'Node', actions, label: 'NodeUpdate' });
  }

  onNodeDelete(node: Node): void {
    this.cache.removeNode(node.metadata.name ?? '');
    this.moveAll({ resource: 'Node', actions: ActionType.Delete, label: 'NodeDelete' });
  }

  onPodAdd(pod: Pod): void {
    const key = podKey(pod);
    this.pods.set(key, pod);
    const nodeName = pod.spec?.nodeName;
    // A finished pod holds no resources: kube-scheduler's informer filters terminal pods out.
    if (nodeName && isTerminal(pod)) return;
    if (nodeName) {
      this.queue.delete(key, true);
      this.cache.addOrUpdatePod(this.podInfo(pod), nodeName);
      this.moveAll({ resource: 'AssignedPod', actions: ActionType.Add, label: 'AssignedPodAdd' });
    } else if (this.frameworkFor(pod) && !pod.metadata.deletionTimestamp) {
      this.queue.add(this.podInfo(pod));
    }
  }

  onPodUpdate(old: Pod, pod: Pod): void {
    if ((old.metadata.uid ?? '') !== (pod.metadata.uid ?? '')) {
      // Not an update: the old pod was deleted and another made under its name while the
      // informer was not watching (kube-scheduler's updatePodInCache does the same).
      this.onPodDelete(old);
      this.onPodAdd(pod);
      return;
    }
    const prev = this.podInfos.get(old);
    const key = prev?.key ?? podKey(pod); // the same name: reuse the string (its hash is cached)
    this.pods.set(key, pod);
    const nodeName = pod.spec?.nodeName;
    if (nodeName && isTerminal(pod)) {
      // It finished: to the scheduler that is a delete, and its room is free for others.
      const ref = podRef(pod);
      if (this.cache.nodeOf(ref) !== undefined) {
        this.cache.removePod(ref);
        this.moveAll({ resource: 'AssignedPod', actions: ActionType.Delete, label: 'AssignedPodDelete' });
      }
      return;
    }
    if (nodeName) {
      const wasAssigned = !!old.spec?.nodeName;
      if (!wasAssigned) this.queue.delete(key, true);
      this.cache.addOrUpdatePod(this.updatedPodInfo(prev, pod), nodeName);
      const actions = wasAssigned ? assignedPodUpdateActions(old, pod) : ActionType.Add;
      if (actions) this.moveAll({ resource: 'AssignedPod', actions, label: wasAssigned ? 'AssignedPodUpdate' : 'AssignedPodAdd' });
    } else if (this.frameworkFor(pod)) {
      if (pod.metadata.deletionTimestamp) this.queue.delete(key);
      else if (!this.cache.isAssumed(podRef(pod))) this.queue.update(this.updatedPodInfo(prev, pod), unscheduledPodUpdateActions(old, pod), old.status?.nominatedNodeName);
    }
  }

  onPodDelete(pod: Pod): void {
    const key = podKey(pod);
    this.pods.delete(key);
    this.queue.delete(key);
    const fwk = this.frameworkFor(pod);
    fwk?.waitingPods.get(pod.metadata.uid ?? '')?.reject('', 'pod was deleted');
    const ref = podRef(pod);
    if (this.cache.nodeOf(ref) !== undefined) {
      this.cache.removePod(ref);
      this.moveAll({ resource: 'AssignedPod', actions: ActionType.Delete, label: 'AssignedPodDelete' });
    }
  }

  /** PDBs, PVs, PVCs, StorageClasses changed */
  onClusterEvent(event: ClusterEvent): void {
    this.moveAll(event);
  }

  private moveAll(event: ClusterEvent): void {
    this.queue.moveAllToActiveOrBackoffQueue(event);
  }

  // ---- the loop ------------------------------------------------------------------------

  start(): void {
    if (this.loop) return;
    this.loop = this.run().catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'scheduling loop stopped on an error'));
    if ((this.o.assumedPodTTLMs ?? 0) > 0) this.cleanupTimer = this.clock.setInterval(() => this.cleanupAssumedPods(), 1000);
  }

  /** drop assumed pods whose binding was never confirmed within the TTL */
  cleanupAssumedPods(): void {
    const expired = this.cache.cleanupExpiredAssumedPods();
    if (expired.length === 0) return;
    this.log.warn({ pods: expired }, 'assumed pods expired');
    this.moveAll({ resource: 'AssignedPod', actions: ActionType.Delete, label: 'AssignedPodDelete' });
  }

  // Scheduling cycles are synchronous, and binding answers, informer events and the next
  // bindings' requests only move while the loop yields: an HTTP/1.1 connection carries one
  // binding per yield. So a run of cycles ends after `yieldEvery` pods or `yieldAfterMs`,
  // whichever comes first — with 64 pods at ~8 ms each, bindings crawled at 64 per half second.
  private async run(): Promise<void> {
    const every = this.o.yieldEvery ?? 64;
    const budget = this.o.yieldAfterMs ?? 10;
    let streak = 0;
    let since = this.clock.now();
    while (!this.stopped) {
      if (!this.scheduleNext()) {
        streak = 0;
        await this.queue.waitForPod();
        since = this.clock.now();
        continue;
      }
      if (++streak >= every || this.clock.now() - since >= budget) {
        streak = 0;
        await this.clock.sleep(0);
        since = this.clock.now();
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearInterval(this.cleanupTimer);
    this.queue.close();
    await this.loop;
    await this.flushBindings();
  }

  /** wait for every binding cycle started so far */
  async flushBindings(): Promise<void> {
    while (this.bindings.size > 0) await Promise.allSettled([...this.bindings]);
  }

  /** schedule until the active queue is empty and no binding is in flight (tests, benchmarks) */
  async drain(): Promise<void> {
    for (;;) {
      while (this.scheduleNext()) {
        // keep going
      }
      if (this.bindings.size === 0) return;
      await this.flushBindings();
    }
  }

  /** one scheduling cycle for the next pod in the active queue; false when it is empty */
  scheduleNext(): boolean {
    const qp = this.queue.tryPop();
    if (!qp) return false;
    const cycle = this.queue.currentSchedulingCycle;
    try {
      this.scheduleOne(qp);
    } catch (err) {
      // A bug in a plugin or here: give the room back and retry the pod after backoff.
      this.log.error({ pod: qp.podInfo.key, err: errorMessage(err) }, 'scheduling cycle failed');
      this.cache.forgetPod(qp.podInfo);
      qp.lastFailureWasError = true;
      qp.unschedulablePlugins = new Set();
      this.handleSchedulingFailure(qp, new Status('Error', [errorMessage(err)]), cycle);
    }
    return true;
  }

  private scheduleOne(qp: QueuedPod): void {
    const pi = qp.podInfo;
    const pod = pi.pod;
    const fwk = this.frameworkFor(pod);
    if (!fwk || pod.metadata.deletionTimestamp || this.cache.isAssumed(pi)) {
      this.queue.done(pi.key);
      return;
    }
    const cycle = this.queue.currentSchedulingCycle;
    const state = new CycleState();
    const a = this.algorithm.schedulePod(fwk, state, pi);

    if (!a.selected) {
      let status: Status;
      let nominated: string | undefined;
      let apply: (() => Promise<void>) | undefined;
      let postFilter: { message: string; result?: NonNullable<ReturnType<Framework['runPostFilterPlugins']>['result']> } | undefined;
      if (a.failure) {
        status = a.failure;
      } else {
        if (fwk.postFilterPlugins.length > 0) {
          const r = fwk.runPostFilterPlugins(state, pi, a.diagnosis);
          const msg = r.status.message();
          if (msg) a.diagnosis.postFilterMsg = msg;
          postFilter = r.result ? { message: msg, result: r.result } : { message: msg };
          if (r.result?.nominatedNodeName !== undefined) nominated = r.result.nominatedNodeName;
          apply = r.result?.apply;
        }
        status = new Status('Unschedulable', [fitErrorMessage(a.numAllNodes, a.diagnosis)]);
      }
      qp.unschedulablePlugins = new Set(a.diagnosis.unschedulablePlugins);
      qp.lastFailureWasError = status.code === 'Error';
      this.record(qp, fwk, status.code === 'Error' ? 'Error' : 'Unschedulable', undefined, status.message(), a, postFilter);
      this.handleSchedulingFailure(qp, status, cycle, nominated, apply);
      return;
    }

    const host = a.selected;
    try {
      this.cache.assumePod(pi, host);
    } catch (err) {
      // kube-scheduler: an assume error fails the attempt with an Error status (backoff).
      const st = new Status('Error', [errorMessage(err)]);
      qp.lastFailureWasError = true;
      qp.unschedulablePlugins = new Set();
      this.record(qp, fwk, 'Error', host, st.message(), a);
      this.handleSchedulingFailure(qp, st, cycle);
      return;
    }
    this.queue.nominator.delete(pi.key, true);
    let st = fwk.runReservePluginsReserve(state, pi, host);
    if (st.isSuccess()) st = fwk.runPermitPlugins(state, pi, host);
    if (!st.isSuccess() && st.code !== 'Wait') {
      fwk.runReservePluginsUnreserve(state, pi, host);
      this.cache.forgetPod(pi);
      qp.lastFailureWasError = st.code === 'Error';
      qp.unschedulablePlugins = new Set(st.plugin ? [st.plugin] : []);
      this.record(qp, fwk, 'Unschedulable', host, st.message(), a);
      this.handleSchedulingFailure(qp, st, cycle);
      return;
    }
    this.record(qp, fwk, 'Binding', host, undefined, a);
    const p = this.bindingCycle(fwk, state, qp, host, st.code === 'Wait', cycle).catch((err: unknown) => {
      this.log.error({ pod: pi.key, node: host, err: errorMessage(err) }, 'binding cycle failed');
    });
    this.bindings.add(p);
    void p.finally(() => this.bindings.delete(p));
  }

  private async bindingCycle(fwk: Framework, state: CycleState, qp: QueuedPod, host: string, wait: boolean, cycle: number): Promise<void> {
    const pi = qp.podInfo;
    let st: Status;
    try {
      st = wait ? await fwk.waitOnPermit(pi) : new Status('Success');
      if (st.isSuccess()) st = await fwk.runPreBindPlugins(state, pi, host);
      if (st.isSuccess()) st = await fwk.runBindPlugins(state, pi, host);
    } catch (err) {
      st = new Status('Error', [errorMessage(err)]);
    }
    if (!st.isSuccess()) {
      fwk.runReservePluginsUnreserve(state, pi, host);
      this.cache.forgetPod(pi);
      this.moveAll({ resource: 'AssignedPod', actions: ActionType.Delete, label: 'AssignedPodDelete' });
      qp.lastFailureWasError = st.code === 'Error';
      this.decisions.patch(pi.namespace, pi.pod.metadata.name ?? '', pi.uid, { outcome: st.code === 'Error' ? 'Error' : 'Unschedulable', message: st.message() });
      this.handleSchedulingFailure(qp, st, cycle);
      return;
    }
    this.cache.finishBinding(pi);
    if (!this.isReplaced(pi)) this.queue.done(pi.key);
    const name = pi.pod.metadata.name ?? '';
    this.decisions.patch(pi.namespace, name, pi.uid, { outcome: 'Scheduled' });
    this.events.event(pi.pod, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${pi.namespace}/${name} to ${host}`);
    fwk.runPostBindPlugins(state, pi, host);
    this.log.debug({ pod: pi.key, node: host }, 'bound pod');
    this.o.onAttempt?.(pi.pod, 'Scheduled', host);
  }

  private handleSchedulingFailure(qp: QueuedPod, status: Status, cycle: number, nominated?: string, apply?: () => Promise<void>): void {
    const pi = qp.podInfo;
    const msg = status.message();
    const replaced = this.isReplaced(pi);
    const latest = replaced ? undefined : this.pods.get(pi.key);
    if (latest && !latest.spec?.nodeName && !latest.metadata.deletionTimestamp) {
      qp.podInfo = this.podInfo(latest);
      this.queue.addUnschedulableIfNotPresent(qp, cycle);
    } else if (!replaced) {
      this.queue.done(pi.key);
    }
    if (nominated !== undefined) this.queue.nominator.add(qp.podInfo, nominated);
    this.log.info({ pod: pi.key, reason: status.code, message: msg }, 'unable to schedule pod');
    this.o.onAttempt?.(pi.pod, status.code === 'Error' ? 'Error' : 'Unschedulable', undefined);
    const work = (async () => {
      if (apply) {
        try {
          await apply();
        } catch (err) {
          this.log.error({ pod: pi.key, err: String(err) }, 'preemption failed');
        }
      }
      this.events.event(pi.pod, 'Warning', 'FailedScheduling', 'Scheduling', truncate(msg));
      if (!replaced) await updatePodScheduledCondition(this.o.client, this.clock, this.log, latest ?? pi.pod, status.isRejected() ? 'Unschedulable' : 'SchedulerError', msg, nominated);
    })().catch((err: unknown) => this.log.error({ pod: pi.key, err: errorMessage(err) }, 'reporting a scheduling failure failed'));
    this.bindings.add(work);
    void work.finally(() => this.bindings.delete(work));
  }

  /** Was this pod deleted and another made under its name? The new one is queued on its
   *  own, so an attempt of the old one must leave the queue's entry for the name alone. */
  private isReplaced(pi: PodInfo): boolean {
    const named = this.pods.get(pi.key);
    return named !== undefined && (named.metadata.uid ?? '') !== pi.uid;
  }

  private record(qp: QueuedPod, fwk: Framework, outcome: Outcome, node: string | undefined, message: string | undefined, a: ScheduleAttempt, postFilter?: { message: string; result?: NonNullable<ReturnType<Framework['runPostFilterPlugins']>['result']> }): void {
    if (this.decisions.capacity === 0) {
      if (a.scores) this.scoreBuffers.give(a.scores.totals); // no explanation will read them
      return;
    }
    const meta = qp.podInfo.pod.metadata;
    this.decisions.record({
      namespace: qp.podInfo.namespace,
      name: meta.name ?? '',
      uid: qp.podInfo.uid,
      profile: fwk.profileName,
      attempt: qp.attempts,
      time: this.clock.now(),
      outcome,
      ...(node ? { node } : {}),
      ...(message ? { message } : {}),
      attemptData: a,
      ...(postFilter ? { postFilter } : {}),
    });
  }

  /** the last decision for a pod, or where it waits if it was never tried */
  explain(namespace: string, name: string): Explanation | undefined {
    const e = this.decisions.explain(namespace, name);
    if (e) return e;
    const q = this.queue.get(`${namespace}/${name}`);
    return q?.gated ? gatedExplanation(q, this.cache.nodeCount) : undefined;
  }
}

/** the cache's identity of a pod object */
function podRef(pod: Pod): PodRef {
  return { uid: pod.metadata.uid ?? '', key: podKey(pod) };
}

function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
