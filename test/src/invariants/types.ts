// What an invariant is: a named check over the cluster as it is at one instant
// (`ClusterState`), answering readable messages for whatever is wrong (none = all well).
// Stateful invariants (rollout bounds remember when a Deployment was first available) are
// made by factories, one fresh instance per simulation. `Violation` adds where and when:
// "[seed 42, t=12.300s] rollout-bounds: deployment default/web: ...".

import type { ClusterState } from '../view.ts';

export interface Invariant {
  readonly name: string;
  /** check again at steps where no object changed (the answer depends on time alone) */
  readonly timeDependent?: boolean;
  /** messages for what is wrong in `state`; empty when all is well */
  check(state: ClusterState): string[];
}

export interface Violation {
  invariant: string;
  message: string;
  /** virtual ms since the simulation started */
  elapsed: number;
  seed: number;
}

export function formatViolation(v: Violation): string {
  return `[seed ${v.seed}, t=${(v.elapsed / 1000).toFixed(3)}s] ${v.invariant}: ${v.message}`;
}

/** thrown (by a failing monitor, or assertNone) with every violation in its message */
export class InvariantViolation extends Error {
  constructor(readonly violations: readonly Violation[]) {
    super(`${violations.length} invariant violation${violations.length === 1 ? '' : 's'}:\n${violations.map(formatViolation).join('\n')}`);
    this.name = 'InvariantViolation';
  }
}

/** run invariants once over a state and collect violations */
export function evaluate(invariants: readonly Invariant[], state: ClusterState): Violation[] {
  const out: Violation[] = [];
  for (const inv of invariants) for (const message of inv.check(state)) out.push({ invariant: inv.name, message, elapsed: state.elapsed, seed: state.seed });
  return out;
}
