// maxSurge and maxUnavailable: how far a rolling update may stray from spec.replicas.
// Each is an integer or a percentage of spec.replicas. Kubernetes rounds the surge UP
// and the unavailable count DOWN, and if both come out 0 it allows 1 unavailable pod,
// so a rollout can always make progress.
//
// Worked example, replicas 10, maxSurge 25%, maxUnavailable 25%:
//   surge       = ceil(10 * 0.25)  = 3  → at most 13 pods in total
//   unavailable = floor(10 * 0.25) = 2  → at least 8 pods available
// With replicas 1, maxSurge 0, maxUnavailable 10%: surge 0, unavailable floor(0.1) = 0
// → both 0, so unavailable becomes 1.

export type IntOrString = number | string;

/** An int, or a percentage of `total` rounded up or down; a malformed value throws. */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) {
    if (/^\d+$/.test(value)) return Number(value);
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface Fenceposts {
  maxSurge: number;
  maxUnavailable: number;
}

export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, replicas: number): Fenceposts {
  const surge = scaledValue(maxSurge, replicas, true);
  let unavailable = scaledValue(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { maxSurge: surge, maxUnavailable: unavailable };
}
