// Running properties over simulations. `propertyRuns()` is the number of generated
// clusters per property: env KUBESIM_PROPERTY_RUNS, default 100. `propertyParameters()`
// adds a replay: KUBESIM_PROPERTY_SEED (and KUBESIM_PROPERTY_PATH) from a failure report.
// `withSimulation(options, body)` creates a simulation, runs the body, always closes it,
// and makes sure any error names the simulation's seed, so a failing run reads
//   "... (sim seed 1234)" next to fast-check's own seed, path and shrunk counterexample.
// `eventually(sim, what, unmet)` runs until a liveness check has nothing left to say.

import fc from 'fast-check';
import { createSimulation, SimulationTimeout } from './simulation.ts';
import type { Duration } from './duration.ts';
import type { ClusterState } from './view.ts';
import type { Simulation, SimulationOptions } from './simulation.ts';

export function propertyRuns(dflt = 100): number {
  const v = Number(process.env.KUBESIM_PROPERTY_RUNS);
  return Number.isInteger(v) && v > 0 ? v : dflt;
}

export function propertyParameters<T>(extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  const seed = Number(process.env.KUBESIM_PROPERTY_SEED);
  const path = process.env.KUBESIM_PROPERTY_PATH;
  return {
    numRuns: propertyRuns(),
    ...(Number.isInteger(seed) ? { seed } : {}),
    ...(path ? { path } : {}),
    ...extra,
  };
}

/** a vitest timeout for a property of `perRunMs` per generated cluster (default 3 s, so a
 *  machine several times slower than expected still finishes): pass as `it`'s third argument */
export function propertyTimeout(perRunMs = 3000): number {
  return Math.max(60_000, propertyRuns() * perRunMs);
}

/** a simulation seed */
export const simSeedArb: fc.Arbitrary<number> = fc.integer({ min: 0, max: 2 ** 31 - 1 });

export async function withSimulation<T>(options: SimulationOptions, body: (sim: Simulation) => Promise<T>): Promise<T> {
  const sim = await createSimulation(options);
  try {
    return await body(sim);
  } catch (err) {
    if (err instanceof Error && !err.message.includes(`seed ${options.seed}`)) err.message += ` (sim seed ${options.seed})`;
    throw err;
  } finally {
    await sim.close();
  }
}

/** run until `unmet(state)` is empty; on timeout throw its last answer, naming the seed */
export async function eventually(sim: Simulation, what: string, unmet: (state: ClusterState) => string[], timeout: Duration = '10m'): Promise<void> {
  try {
    await sim.runUntil(async (s) => unmet(await s.state()).length === 0, { timeout });
  } catch (err) {
    if (!(err instanceof SimulationTimeout)) throw err;
    const why = unmet(await sim.state());
    throw new Error(`${what}: not reached within ${timeout} of virtual time (seed ${sim.seed}): ${why.join('; ')}`);
  }
}

/** is a controller registered in the controller-manager (by any of Kubernetes' spellings)? */
export function controllerAvailable(starters: Readonly<Record<string, unknown>>, ...names: string[]): boolean {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_]/g, '').replace(/controller$/, '');
  const have = new Set(Object.keys(starters).map(norm));
  return names.some((n) => have.has(norm(n)));
}
