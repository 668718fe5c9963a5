// SchedulingQueue: where pending pods wait, in three places, as in kube-scheduler:
//   activeQ        — ready to be tried, ordered by the QueueSort plugin (priority, then age);
//   backoffQ       — failed recently; waits 1 s, 2 s, 4 s … up to 10 s per attempt;
//   unschedulable  — rejected and parked until a cluster event that could help (a node
//                    added, a pod deleted, …) moves it, or 5 minutes pass.
// Pods held by a PreEnqueue plugin (scheduling gates) wait in `unschedulable`, marked gated,
// until an update lets them in. A move request that arrives while a pod is being tried
// sends that pod to backoffQ rather than unschedulable (the event may have helped it).
// Timers run on the injected clock and are armed for the exact next due time.

import type { Clock, TimerHandle } from '@kubesim/shared';
import type { ClusterEvent, QueuedPodInfo } from '../framework/interfaces.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import type { Status } from '../framework/status.ts';
import { KeyedHeap } from './heap.ts';
import { Nominator } from './nominator.ts';

export const DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS = 5 * 60_000;
export const UNSCHEDULABLE_TIMEOUT: ClusterEvent = { resource: '*', actions: 4095, label: 'UnschedulableTimeout' };

export interface QueuedPod extends QueuedPodInfo {
  gated: boolean;
  /** insertion order into activeQ: breaks ties the QueueSort plugin leaves (FIFO) */
  seq: number;
  /** why it is gated / unschedulable, for explanations */
  gateStatus?: Status;
}

export interface SchedulingQueueOptions {
  clock: Clock;
  less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  /** PreEnqueue plugins of the pod's profile */
  preEnqueue: (pod: PodInfo) => Status;
  /** may `event` make a pod with these unschedulable plugins schedulable? */
  isRelevant: (qp: QueuedPodInfo, event: ClusterEvent) => boolean;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  podMaxInUnschedulablePodsDurationMs?: number;
}

export class SchedulingQueue {
  readonly nominator = new Nominator();
  private readonly clock: Clock;
  private readonly activeQ: KeyedHeap<QueuedPod>;
  private readonly backoffQ: KeyedHeap<QueuedPod>;
  private readonly unschedulable = new Map<string, QueuedPod>();
  private readonly inFlight = new Map<string, QueuedPod>();
  private schedulingCycle = 0;
  private seq = 0;
  private moveRequestCycle = -1;
  private backoffTimer: TimerHandle | undefined;
  private backoffTimerAt = Infinity;
  private leftoverTimer: TimerHandle | undefined;
  private leftoverTimerAt = Infinity;
  private waiters: Array<() => void> = [];
  private closed = false;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxUnschedulable: number;

  constructor(private readonly o: SchedulingQueueOptions) {
    this.clock = o.clock;
    this.initialBackoff = o.podInitialBackoffMs ?? 1000;
    this.maxBackoff = o.podMaxBackoffMs ?? 10_000;
    this.maxUnschedulable = o.podMaxInUnschedulablePodsDurationMs ?? DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS;
    this.activeQ = new KeyedHeap<QueuedPod>((q) => q.podInfo.key, (a, b) => o.less(a, b) || (!o.less(b, a) && a.seq < b.seq));
    this.backoffQ = new KeyedHeap<QueuedPod>(
      (q) => q.podInfo.key,
      (a, b) => this.backoffTime(a) < this.backoffTime(b),
    );
  }

  // ---- backoff ---------------------------------------------------------------------

  /** 1 s, 2 s, 4 s, 8 s, 10 s, 10 s … for attempts 1, 2, 3 … (with the defaults) */
  backoffDuration(attempts: number): number {
    let d = this.initialBackoff;
    for (let i = 1; i < attempts; i++) {
      if (d > this.maxBackoff - d) return this.maxBackoff;
      d += d;
    }
    return Math.min(d, this.maxBackoff);
  }

  backoffTime(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q.attempts);
  }

  private isBackingOff(q: QueuedPodInfo): boolean {
    return this.backoffTime(q) > this.clock.now();
  }

  // ---- informer-driven changes -------------------------------------------------------

  /** a new pending pod */
  add(pi: PodInfo): void {
    if (this.has(pi.key)) return this.update(pi);
    const now = this.clock.now();
    const q: QueuedPod = { podInfo: pi, timestamp: now, attempts: 0, initialAttemptTimestamp: now, unschedulablePlugins: new Set(), gated: false, seq: 0 };
    this.moveToActiveOrGate(q);
    this.nominateFromStatus(pi);
  }

  /** a pending pod changed; `actions` says how (ActionType bits of UnscheduledPod) */
  update(pi: PodInfo, actions = 0, oldNominatedNodeName?: string): void {
    const key = pi.key;
    this.nominateFromStatus(pi, oldNominatedNodeName);
    const inActive = this.activeQ.get(key);
    if (inActive) {
      inActive.podInfo = pi;
      this.activeQ.push(inActive);
      return;
    }
    const inBackoff = this.backoffQ.get(key);
    if (inBackoff) {
      inBackoff.podInfo = pi;
      this.backoffQ.push(inBackoff);
      return;
    }
    const flight = this.inFlight.get(key);
    if (flight) {
      flight.podInfo = pi;
      return;
    }
    const parked = this.unschedulable.get(key);
    if (parked) {
      parked.podInfo = pi;
      if (parked.gated) {
        this.unschedulable.delete(key);
        this.moveToActiveOrGate(parked);
      } else if (actions !== 0 && this.o.isRelevant(parked, { resource: 'UnscheduledPod', actions })) {
        this.unschedulable.delete(key);
        this.requeue(parked);
      }
      return;
    }
    this.add(pi);
  }

  /** `bound`: the pod went to a node (not deleted), so its nomination frees no room */
  delete(key: string, bound = false): void {
    this.activeQ.remove(key);
    this.backoffQ.remove(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
    this.nominator.delete(key, bound);
    this.armTimers();
  }

  /** Follow status.nominatedNodeName; an update without one keeps a nomination made in
   *  memory (the status patch may not have landed yet) unless the old status had one. */
  private nominateFromStatus(pi: PodInfo, oldNominated?: string): void {
    const n = pi.pod.status?.nominatedNodeName;
    if (n) this.nominator.add(pi, n);
    else if (oldNominated) this.nominator.delete(pi.key);
    else this.nominator.update(pi);
  }

  // ---- the scheduling loop's side ------------------------------------------------------

  /** the next pod to try, or undefined when activeQ is empty */
  tryPop(): QueuedPod | undefined {
    const q = this.activeQ.pop();
    if (!q) return undefined;
    q.attempts++;
    this.schedulingCycle++;
    this.inFlight.set(q.podInfo.key, q);
    return q;
  }

  /** resolves when activeQ may have a pod (or the queue closed) */
  waitForPod(): Promise<void> {
    if (this.activeQ.size > 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get currentSchedulingCycle(): number {
    return this.schedulingCycle;
  }

  /** the attempt ended (bound, or handed back via addUnschedulableIfNotPresent) */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /** A failed attempt: park the pod, or back it off if something changed meanwhile. */
  addUnschedulableIfNotPresent(q: QueuedPod, podSchedulingCycle: number): void {
    const key = q.podInfo.key;
    this.inFlight.delete(key);
    if (this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key)) return;
    q.timestamp = this.clock.now();
    if (this.moveRequestCycle >= podSchedulingCycle || q.lastFailureWasError) {
      this.backoffQ.push(q);
    } else {
      this.unschedulable.set(key, q);
    }
    this.armTimers();
  }

  /** Something in the cluster changed: move the parked pods it may help. */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, preCheck?: (q: QueuedPod) => boolean): void {
    const moved: QueuedPod[] = [];
    for (const q of this.unschedulable.values()) {
      if (q.gated) continue;
      if (!this.o.isRelevant(q, event)) continue;
      if (preCheck && !preCheck(q)) continue;
      moved.push(q);
    }
    for (const q of moved) {
      this.unschedulable.delete(q.podInfo.key);
      this.requeue(q);
    }
    this.moveRequestCycle = this.schedulingCycle;
    this.armTimers();
  }

  /** force pods back into activeQ (e.g. after a nomination was cleared) */
  activate(keys: Iterable<string>): void {
    for (const key of keys) {
      const q = this.unschedulable.get(key) ?? this.backoffQ.get(key);
      if (!q || q.gated) continue;
      this.unschedulable.delete(key);
      this.backoffQ.remove(key);
      this.pushActive(q);
    }
    this.armTimers();
  }

  // ---- internals -------------------------------------------------------------------------

  private moveToActiveOrGate(q: QueuedPod): void {
    const st = this.o.preEnqueue(q.podInfo);
    if (!st.isSuccess()) {
      q.gated = true;
      q.gateStatus = st;
      this.unschedulable.set(q.podInfo.key, q);
      return;
    }
    q.gated = false;
    delete q.gateStatus;
    this.pushActive(q);
  }

  private requeue(q: QueuedPod): void {
    if (this.isBackingOff(q)) this.backoffQ.push(q);
    else this.pushActive(q);
  }

  private pushActive(q: QueuedPod): void {
    if (!this.activeQ.has(q.podInfo.key)) q.seq = ++this.seq;
    this.activeQ.push(q);
    const w = this.waiters;
    if (w.length > 0) {
      this.waiters = [];
      for (const resolve of w) resolve();
    }
  }

  private flushBackoffQCompleted(): void {
    const now = this.clock.now();
    for (;;) {
      const top = this.backoffQ.peek();
      if (!top || this.backoffTime(top) > now) break;
      this.backoffQ.pop();
      this.pushActive(top);
    }
  }

  private flushUnschedulablePodsLeftover(): void {
    const now = this.clock.now();
    const moved: QueuedPod[] = [];
    for (const q of this.unschedulable.values()) {
      if (q.gated) continue;
      if (now - q.timestamp < this.maxUnschedulable) break;
      moved.push(q);
    }
    for (const q of moved) {
      this.unschedulable.delete(q.podInfo.key);
      this.requeue(q);
    }
  }

  /** keep one timer for the next backoff expiry and one for the oldest parked pod */
  private armTimers(): void {
    if (this.closed) return;
    const top = this.backoffQ.peek();
    const backoffAt = top ? this.backoffTime(top) : Infinity;
    if (backoffAt !== this.backoffTimerAt) {
      this.clock.clearTimeout(this.backoffTimer);
      this.backoffTimer = undefined;
      this.backoffTimerAt = backoffAt;
      if (backoffAt !== Infinity) {
        this.backoffTimer = this.clock.setTimeout(() => {
          this.backoffTimerAt = Infinity;
          this.backoffTimer = undefined;
          this.flushBackoffQCompleted();
          this.armTimers();
        }, Math.max(0, backoffAt - this.clock.now()));
      }
    }
    let oldest = Infinity;
    for (const q of this.unschedulable.values()) {
      if (q.gated) continue;
      oldest = q.timestamp + this.maxUnschedulable;
      break;
    }
    if (oldest !== this.leftoverTimerAt) {
      this.clock.clearTimeout(this.leftoverTimer);
      this.leftoverTimer = undefined;
      this.leftoverTimerAt = oldest;
      if (oldest !== Infinity) {
        this.leftoverTimer = this.clock.setTimeout(() => {
          this.leftoverTimerAt = Infinity;
          this.leftoverTimer = undefined;
          this.flushUnschedulablePodsLeftover();
          this.armTimers();
        }, Math.max(0, oldest - this.clock.now()));
      }
    }
  }

  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.backoffTimer);
    this.clock.clearTimeout(this.leftoverTimer);
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  // ---- inspection --------------------------------------------------------------------------

  has(key: string): boolean {
    return this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /** where a pod is: 'active' | 'backoff' | 'unschedulable' | 'gated' | 'in-flight' | undefined */
  where(key: string): string | undefined {
    if (this.activeQ.has(key)) return 'active';
    if (this.backoffQ.has(key)) return 'backoff';
    const u = this.unschedulable.get(key);
    if (u) return u.gated ? 'gated' : 'unschedulable';
    if (this.inFlight.has(key)) return 'in-flight';
    return undefined;
  }

  get(key: string): QueuedPod | undefined {
    return this.activeQ.get(key) ?? this.backoffQ.get(key) ?? this.unschedulable.get(key) ?? this.inFlight.get(key);
  }

  counts(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.activeQ.size, backoff: this.backoffQ.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }
}
