// Status conditions as the workload controllers keep them: one condition per type; a
// condition whose status does not change keeps its lastTransitionTime (and, for
// Deployments, gets a fresh lastUpdateTime when its reason or message changes).

export interface WorkloadCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export function getCondition<C extends WorkloadCondition>(conditions: readonly C[] | undefined, type: string): C | undefined {
  return conditions?.find((c) => c.type === type);
}

/** A new list with `cond` in place of any condition of its type. */
export function setCondition<C extends WorkloadCondition>(conditions: readonly C[] | undefined, cond: C): C[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === cond.type);
  if (i < 0) return [...list, cond];
  const old = list[i]!;
  if (old.status === cond.status && old.reason === cond.reason && old.message === cond.message) return list;
  const next = { ...cond };
  if (old.status === cond.status && old.lastTransitionTime) next.lastTransitionTime = old.lastTransitionTime;
  list[i] = next;
  return list;
}

export function removeCondition<C extends WorkloadCondition>(conditions: readonly C[] | undefined, type: string): C[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}
