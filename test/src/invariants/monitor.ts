// checkInvariants(sim, [...]) runs invariants after every step of virtual time (every
// `sim.on('change')`), on the cluster view. By default the first violation throws out of
// `sim.advance` / `sim.runUntil` at once (an InvariantViolation naming the seed and the
// virtual time), so a property fails at the step that broke it. With `failFast: false` the
// monitor collects violations; `assertNone()` throws if any were found.
// Checks are skipped at steps where no watched object changed, unless an invariant is
// time-dependent. Steps are the unit: two writes inside one step are seen together.

import type { Simulation } from '../simulation.ts';
import type { ClusterState } from '../view.ts';
import { InvariantViolation, evaluate } from './types.ts';
import type { Invariant, Violation } from './types.ts';

export interface MonitorOptions {
  /** throw at the first violating step (default true) */
  failFast?: boolean;
  /** stop collecting after this many (default 50) */
  maxViolations?: number;
}

export interface InvariantMonitor {
  readonly violations: readonly Violation[];
  /** steps at which the invariants ran */
  readonly checks: number;
  /** run the invariants now (e.g. once more at the end) */
  checkNow(): Promise<void>;
  /** throw an InvariantViolation if anything was found */
  assertNone(): void;
  /** stop checking */
  stop(): void;
}

export function checkInvariants(sim: Simulation, invariants: readonly Invariant[], opts: MonitorOptions = {}): InvariantMonitor {
  const failFast = opts.failFast !== false;
  const max = opts.maxViolations ?? 50;
  const violations: Violation[] = [];
  const timeDependent = invariants.some((i) => i.timeDependent);
  let lastRevision = -1;
  let checks = 0;

  const run = (state: ClusterState, force: boolean): void => {
    if (!force && !timeDependent && state.revision === lastRevision) return;
    lastRevision = state.revision;
    checks++;
    const found = evaluate(invariants, state);
    if (found.length === 0) return;
    for (const v of found) if (violations.length < max) violations.push(v);
    if (failFast) throw new InvariantViolation(found);
  };
  const listener = async (s: Simulation): Promise<void> => run(await s.state(), false);
  sim.on('change', listener);
  return {
    violations,
    get checks() {
      return checks;
    },
    checkNow: async () => run(await sim.state(), true),
    assertNone: () => {
      if (violations.length > 0) throw new InvariantViolation(violations);
    },
    stop: () => sim.off('change', listener),
  };
}
