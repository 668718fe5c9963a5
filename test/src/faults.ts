// Control-plane faults the simulation can inject between a component and the apiserver,
// the failures a real cluster sees: watches that drop, a 410 on the next watch (the
// component must relist), update conflicts, slow answers, and a binding that is lost.
// Faults are set per component (or for all) and consumed as they fire, so a fault
// schedule replays exactly from the same seed.

export interface FaultState {
  /** the next N updates/patches that state a resourceVersion fail with 409 Conflict */
  conflicts: number;
  /** the next N watch starts get an ERROR 410 at once */
  expiredWatches: number;
  /** virtual milliseconds added before every API answer */
  latencyMs: number;
  /** the next N pods/binding requests are acknowledged but not applied */
  droppedBindings: number;
}

export function noFaults(): FaultState {
  return { conflicts: 0, expiredWatches: 0, latencyMs: 0, droppedBindings: 0 };
}
