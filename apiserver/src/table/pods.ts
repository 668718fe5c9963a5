// The pod row of `kubectl get pods`, computed as Kubernetes' pod printer does. STATUS starts
// from status.phase (or status.reason), then init containers speak (`Init:0/2`,
// `Init:CrashLoopBackOff`), then regular containers, the last one in the list winning
// (`ContainerCreating`, `CrashLoopBackOff`, `Completed`, `Error`, `OOMKilled`); a pod being
// deleted is `Terminating`. RESTARTS adds `(2m ago)` from the latest termination.

import type { KubeObject } from '@kubesim/shared';
import { ageColumn, col, get, list, nameColumn, num, orNone, str, type Printer } from './columns.ts';
import { humanDuration, since } from './duration.ts';

const isRestartableInit = (c: unknown): boolean => get(c, 'restartPolicy') === 'Always';

function laterOf(current: number, timestamp: unknown): number {
  const t = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
  return Number.isNaN(t) ? current : Math.max(current, t);
}

function terminatedReason(state: unknown, prefix: string): string {
  const reason = str(get(state, 'reason'));
  if (reason) return prefix + reason;
  const signal = num(get(state, 'signal'));
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${num(get(state, 'exitCode'))}`;
}

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** READY, STATUS and RESTARTS of a pod. */
export function summarizePod(pod: KubeObject, now: number): PodSummary {
  const spec = get(pod, 'spec');
  const status = get(pod, 'status');
  const initSpecs = list(get(spec, 'initContainers'));
  let restarts = 0;
  let sidecarRestarts = 0;
  let ready = 0;
  let total = list(get(spec, 'containers')).length + initSpecs.filter(isRestartableInit).length;
  let lastRestart = 0;
  let reason = str(get(status, 'reason')) || str(get(status, 'phase'));
  if (list(get(status, 'conditions')).some((c) => get(c, 'type') === 'PodScheduled' && get(c, 'reason') === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  let initializing = false;
  const initStatuses = list(get(status, 'initContainerStatuses'));
  for (const [i, cs] of initStatuses.entries()) {
    restarts += num(get(cs, 'restartCount'));
    lastRestart = laterOf(lastRestart, get(cs, 'lastState', 'terminated', 'finishedAt'));
    const sidecar = isRestartableInit(initSpecs.find((c) => get(c, 'name') === get(cs, 'name')));
    if (sidecar) sidecarRestarts += num(get(cs, 'restartCount'));
    const terminated = get(cs, 'state', 'terminated');
    const waitingReason = str(get(cs, 'state', 'waiting', 'reason'));
    if (terminated && num(get(terminated, 'exitCode')) === 0) continue;
    if (sidecar && get(cs, 'started') === true) {
      if (get(cs, 'ready') === true) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waitingReason && waitingReason !== 'PodInitializing') reason = `Init:${waitingReason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }
  const initialized = list(get(status, 'conditions')).some((c) => get(c, 'type') === 'Initialized' && get(c, 'status') === 'True');

  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    let hasRunning = false;
    const statuses = list(get(status, 'containerStatuses'));
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += num(get(cs, 'restartCount'));
      lastRestart = laterOf(lastRestart, get(cs, 'lastState', 'terminated', 'finishedAt'));
      const waiting = str(get(cs, 'state', 'waiting', 'reason'));
      const terminated = get(cs, 'state', 'terminated');
      if (waiting) reason = waiting;
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (get(cs, 'ready') === true && get(cs, 'state', 'running') !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = list(get(status, 'conditions')).some((c) => get(c, 'type') === 'Ready' && get(c, 'status') === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  const phase = str(get(status, 'phase'));
  if (pod.metadata.deletionTimestamp && get(status, 'reason') === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  total = Math.max(total, 0);
  const restartText = restarts !== 0 && lastRestart !== 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartText };
}

export const podPrinter: Printer = {
  columns: [
    nameColumn,
    col('Ready', 'string', 'The number of containers that are ready, out of all containers of the pod.'),
    col('Status', 'string', 'The aggregate state of the pod and its containers, as kubectl reports it.'),
    col('Restarts', 'string', 'The number of times the containers restarted, and how long ago the last restart was.'),
    ageColumn,
    col('IP', 'string', 'IP address allocated to the pod.', 1),
    col('Node', 'string', 'Name of the node the pod is bound to.', 1),
    col('Nominated Node', 'string', 'The node on which the pod would run after preempting others.', 1),
    col('Readiness Gates', 'string', 'Readiness gates that are true, out of all of them.', 1),
  ],
  cells(pod, now) {
    const s = summarizePod(pod, now);
    const ip = str(get(pod, 'status', 'podIPs', 0, 'ip')) || str(get(pod, 'status', 'podIP'));
    const gates = list(get(pod, 'spec', 'readinessGates'));
    let gateText = '<none>';
    if (gates.length > 0) {
      const conditions = list(get(pod, 'status', 'conditions'));
      const trueCount = gates.filter((g) => conditions.some((c) => get(c, 'type') === get(g, 'conditionType') && get(c, 'status') === 'True')).length;
      gateText = `${trueCount}/${gates.length}`;
    }
    return [
      pod.metadata.name ?? '',
      s.ready,
      s.status,
      s.restarts,
      since(pod.metadata.creationTimestamp, now),
      orNone(ip),
      orNone(str(get(pod, 'spec', 'nodeName'))),
      orNone(str(get(pod, 'status', 'nominatedNodeName'))),
      gateText,
    ];
  },
};
