// Ready-made invariants for simulations: plug them into `checkInvariants(sim, [...])`, or
// call `inv.check(await sim.state())` yourself from `sim.on('change', ...)`.
export type { Invariant, Violation } from './types.ts';
export { InvariantViolation, evaluate, formatViolation } from './types.ts';
export { checkInvariants } from './monitor.ts';
export type { InvariantMonitor, MonitorOptions } from './monitor.ts';
export { noNodeOvercommitted } from './overcommit.ts';
export { rolloutBounds, rolloutIncomplete, deploymentPods, fenceposts, resolveIntOrPercent, revisionOf, REVISION_ANNOTATION } from './rollout.ts';
export type { DeploymentPods, Fenceposts } from './rollout.ts';
export { jobCounts, jobIncomplete, jobFinished, jobPods } from './jobs.ts';
export { oneDaemonPodPerNode, daemonSetIncomplete, shouldRunDaemonPod, daemonPods, daemonPodNode, DAEMON_TOLERATIONS } from './daemonset.ts';
export { statefulSetOrdering, statefulSetIncomplete } from './statefulset.ts';
export { scheduledPodsRespectFilters, preemptionOnlyEvictsLowerPriority, pendingPodsThatFit } from './scheduling.ts';
export type { SchedulingInvariantOptions } from './scheduling.ts';
export { whyNot, tolerates, untoleratedTaint, matchesNodeAffinity, antiAffinityConflict, spreadViolation, resourceShortage, hostPortConflict } from './rules.ts';
export { podRequests, allocatableOf, isActive, isAvailable, isReady, isTerminal, isTerminating, isBound, controllerKey, ordinalOf, describePod, podKey } from './pods.ts';
