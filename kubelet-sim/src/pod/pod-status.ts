// The PodStatus the kubelet reports, rendered from a PodWorker: phase (kubelet's getPhase
// rules, never moving backwards), the conditions PodReadyToStartContainers, Initialized,
// Ready, ContainersReady and PodScheduled with Kubernetes' reasons and messages, host and
// pod IPs, start time, container statuses and QoS class. Conditions owned by others (e.g.
// DisruptionTarget) are kept as they are. ConditionClock remembers when each condition's
// status last flipped, which is its lastTransitionTime.

import { timeText as formatTime } from '../util/time-text.ts';
import type { PodCondition, PodStatus } from '../types.ts';
import { qosClass } from './admission.ts';
import type { SimContainer } from './container.ts';
import type { PodWorker } from './pod-worker.ts';

const OWNED = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'] as const;
const PHASE_RANK: Record<string, number> = { Pending: 0, Running: 1, Succeeded: 2, Failed: 2 };

interface Desired {
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

/** the kubelet-owned conditions the worker's state implies */
function desiredConditions(w: PodWorker): Record<(typeof OWNED)[number], Desired> {
  const done = w.terminal !== undefined;
  const incomplete = w.init
    .filter((c) => (c.role === 'init' ? !(c.state.kind === 'terminated' && c.state.exitCode === 0) : !c.startedOnce))
    .map((c) => c.name);
  const readyParticipants = [...w.init.filter((c) => c.role === 'sidecar'), ...w.main];
  const unready = readyParticipants.filter((c) => !c.ready).map((c) => c.name);
  let containersReady: Desired;
  if (done) containersReady = { status: 'False', reason: 'PodCompleted' };
  else if (!w.initialized) containersReady = { status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  else if (unready.length > 0) containersReady = { status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  else containersReady = { status: 'True' };
  let ready = containersReady;
  if (ready.status === 'True') {
    for (const gate of w.pod.spec.readinessGates ?? []) {
      const cond = w.pod.status?.conditions?.find((c) => c.type === gate.conditionType);
      if (!cond) {
        ready = { status: 'False', reason: 'ReadinessGatesNotReady', message: `corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.` };
        break;
      }
      if (cond.status !== 'True') {
        ready = { status: 'False', reason: 'ReadinessGatesNotReady', message: `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${cond.status}` };
        break;
      }
    }
  }
  return {
    PodReadyToStartContainers: { status: w.sandbox ? 'True' : 'False' },
    Initialized: w.initialized || incomplete.length === 0
      ? { status: 'True' }
      : { status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incomplete.join(' ')}]` },
    Ready: ready,
    ContainersReady: containersReady,
  };
}

/** the statuses desiredConditions gives, without its reasons and messages (which cost
 *  strings and arrays on every change of the pod), in the order of OWNED */
function ownedTrue(w: PodWorker, i: number, containersReady: boolean): boolean {
  switch (i) {
    case 0:
      return w.sandbox;
    case 1:
      return w.initialized || w.init.every((c) => (c.role === 'init' ? c.state.kind === 'terminated' && c.state.exitCode === 0 : c.startedOnce));
    case 2:
      if (!containersReady) return false;
      for (const gate of w.pod.spec.readinessGates ?? []) {
        if (w.pod.status?.conditions?.find((c) => c.type === gate.conditionType)?.status !== 'True') return false;
      }
      return true;
    default:
      return containersReady;
  }
}

function containersReadyTrue(w: PodWorker): boolean {
  if (w.terminal !== undefined || !w.initialized) return false;
  for (const c of w.init) if (c.role === 'sidecar' && !c.ready) return false;
  for (const c of w.main) if (!c.ready) return false;
  return true;
}

/** When each kubelet-owned condition last changed status (its lastTransitionTime). */
export class ConditionClock {
  /** per OWNED type: its last observed status ('' before the first observe), and since when */
  readonly #status: string[] = ['', '', '', ''];
  readonly #at: number[];
  readonly #start: number;
  /** the highest phase reported so far (phases never go back) */
  phaseRank = 0;

  constructor(start: number) {
    this.#start = start;
    this.#at = [start, start, start, start];
  }

  observe(w: PodWorker, now: number): void {
    const containersReady = containersReadyTrue(w);
    for (let i = 0; i < OWNED.length; i++) {
      const status = ownedTrue(w, i, containersReady) ? 'True' : 'False';
      if (this.#status[i] !== status) {
        this.#status[i] = status;
        this.#at[i] = now;
      }
    }
  }

  since(type: string): number {
    const i = (OWNED as readonly string[]).indexOf(type);
    return i < 0 ? this.#start : this.#at[i]!;
  }
}

/** the kubelet's getPhase: where the pod is, from its containers */
export function podPhase(w: PodWorker): string {
  if (w.terminal) return w.terminal.phase;
  if (!w.initialized) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of w.main) {
    if (c.state.kind === 'running') running++;
    else if (c.state.kind === 'terminated') {
      stopped++;
      if (c.state.exitCode === 0) succeeded++;
    } else if (c.everRan) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  const policy = w.restartPolicy;
  if (policy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  return policy === 'Never' ? 'Failed' : 'Running';
}

function statuses(list: SimContainer[], podIP: string | undefined) {
  return list.map((c) => c.status(podIP));
}

export function renderPodStatus(w: PodWorker): PodStatus {
  let phase = podPhase(w);
  const rank = PHASE_RANK[phase] ?? 0;
  if (rank < w.conditions.phaseRank) phase = 'Running'; // never report a phase going back
  w.conditions.phaseRank = Math.max(w.conditions.phaseRank, PHASE_RANK[phase] ?? 0);

  const existing = w.pod.status?.conditions ?? [];
  const conditions: PodCondition[] = [];
  const rejected = w.terminal?.message?.startsWith('Pod was rejected: ') === true;
  if (!rejected) {
    const desired = desiredConditions(w);
    for (const type of OWNED) {
      const d = desired[type];
      const cond: PodCondition = { type, status: d.status, lastTransitionTime: formatTime(w.conditions.since(type)) };
      if (d.reason) cond.reason = d.reason;
      if (d.message) cond.message = d.message;
      conditions.push(cond);
    }
  }
  const scheduled = existing.find((c) => c.type === 'PodScheduled');
  conditions.push(scheduled ?? { type: 'PodScheduled', status: 'True', lastTransitionTime: formatTime(w.startTime) });
  for (const c of existing) if (!OWNED.includes(c.type as (typeof OWNED)[number]) && c.type !== 'PodScheduled') conditions.push(c);

  const status: PodStatus = {
    phase,
    conditions,
    hostIP: w.host.hostIP,
    hostIPs: [{ ip: w.host.hostIP }],
    startTime: formatTime(w.startTime),
    qosClass: w.pod.status?.qosClass ?? qosClass(w.pod),
  };
  if (w.podIP) {
    status.podIP = w.podIP;
    status.podIPs = [{ ip: w.podIP }];
  }
  if (w.terminal?.reason) status.reason = w.terminal.reason;
  if (w.terminal?.message) status.message = w.terminal.message;
  if (!rejected) {
    if (w.init.length > 0) status.initContainerStatuses = statuses(w.init, w.podIP);
    status.containerStatuses = statuses(w.main, w.podIP);
  }
  return status;
}
