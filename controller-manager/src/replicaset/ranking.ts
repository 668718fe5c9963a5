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

/** Negative when `a` should be deleted before `b`. `colocated` counts this ReplicaSet's pods per node. */
export function compareForDeletion(a: RankedPod, b: RankedPod, colocated: ReadonlyMap<string, number>): number {
  const aNode = a.spec?.nodeName ?? '';
  const bNode = b.spec?.nodeName ?? '';
  if (!aNode !== !bNode) return aNode ? 1 : -1;
  const pa = phaseRank[a.status?.phase ?? 'Pending'] ?? 0;
  const pb = phaseRank[b.status?.phase ?? 'Pending'] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = colocated.get(aNode) ?? 0;
  const cb = colocated.get(bNode) ?? 0;
  if (ca !== cb) return cb - ca;
  if (ra && rb) {
    const ta = time(readyCondition(a)?.lastTransitionTime);
    const tb = time(readyCondition(b)?.lastTransitionTime);
    if (ta !== tb) return tb - ta;
  }
  const xa = restarts(a);
  const xb = restarts(b);
  if (xa !== xb) return xb - xa;
  const ka = time(a.metadata.creationTimestamp);
  const kb = time(b.metadata.creationTimestamp);
  if (ka !== kb) return kb - ka;
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** The `count` pods to delete, cheapest first. */
export function podsToDelete<P extends RankedPod>(pods: readonly P[], count: number): P[] {
  const colocated = new Map<string, number>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (node) colocated.set(node, (colocated.get(node) ?? 0) + 1);
  }
  return [...pods].sort((a, b) => compareForDeletion(a, b, colocated)).slice(0, Math.max(0, count));
}
