// Which pods a ReplicaSet deletes first when it has too many (Kubernetes: ActivePodsWithRanks).
// The cheapest pod to lose goes first:
//   1. not yet scheduled before scheduled;
//   2. Pending before Unknown before Running;
//   3. not ready before ready;
//   4. doubled up (more pods of this ReplicaSet on the same node) before alone;
//   5. ready for less time before ready longer;
//   6. more container restarts before fewer;
//   7. created later before created earlier.
// kubesim compares readiness and creation times at second precision, as the timestamps do.

export interface RankedPod {
  metadata: { name?: string; creationTimestamp?: string };
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { restartCount?: number }[];
  };
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function readyCondition(pod: RankedPod): { status: string; lastTransitionTime?: string } | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: RankedPod): boolean {
  return readyCondition(pod)?.status === 'True';
}

function restarts(pod: RankedPod): number {
  let n = 0;
  for (const c of pod.status?.containerStatuses ?? []) n += c.restartCount ?? 0;
  return n;
}

function time(t: string | undefined): number {
  return t ? Date.parse(t) : 0;
}

/** what the ranking reads of one pod, read once: a sort compares each pod O(log n) times */
interface Rank<P> {
  pod: P;
  node: string;
  phase: number;
  ready: boolean;
  /** this ReplicaSet's pods on the same node */
  colocated: number;
  /** Ready's lastTransitionTime (ready pods only) */
  readySince: number;
  restarts: number;
  created: number;
  name: string;
}

function rankOf<P extends RankedPod>(pod: P, colocated: ReadonlyMap<string, number>): Rank<P> {
  const node = pod.spec?.nodeName ?? '';
  const ready = readyCondition(pod);
  const isReady = ready?.status === 'True';
  return {
    pod,
    node,
    phase: phaseRank[pod.status?.phase ?? 'Pending'] ?? 0,
    ready: isReady,
    colocated: colocated.get(node) ?? 0,
    readySince: isReady ? time(ready.lastTransitionTime) : 0,
    restarts: restarts(pod),
    created: time(pod.metadata.creationTimestamp),
    name: pod.metadata.name ?? '',
  };
}

/** the ranking, rule by rule (see the top of the file) */
function compareRanks(a: Rank<unknown>, b: Rank<unknown>): number {
  if (!a.node !== !b.node) return a.node ? 1 : -1;
  if (a.phase !== b.phase) return a.phase - b.phase;
  if (a.ready !== b.ready) return a.ready ? 1 : -1;
  if (a.colocated !== b.colocated) return b.colocated - a.colocated;
  if (a.ready && b.ready && a.readySince !== b.readySince) return b.readySince - a.readySince;
  if (a.restarts !== b.restarts) return b.restarts - a.restarts;
  if (a.created !== b.created) return b.created - a.created;
  return a.name.localeCompare(b.name);
}

/** Negative when `a` should be deleted before `b`. `colocated` counts this ReplicaSet's pods per node. */
export function compareForDeletion(a: RankedPod, b: RankedPod, colocated: ReadonlyMap<string, number>): number {
  return compareRanks(rankOf(a, colocated), rankOf(b, colocated));
}

/** The `count` pods to delete, cheapest first. */
export function podsToDelete<P extends RankedPod>(pods: readonly P[], count: number): P[] {
  const colocated = new Map<string, number>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (node) colocated.set(node, (colocated.get(node) ?? 0) + 1);
  }
  return pods
    .map((p) => rankOf(p, colocated))
    .sort(compareRanks)
    .slice(0, Math.max(0, count))
    .map((r) => r.pod);
}
