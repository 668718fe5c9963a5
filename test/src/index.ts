// @kubesim/test: the simulation kit (virtual-time clusters for property tests), its
// arbitraries and invariants. See docs/simulation.md.
export { createSimulation, Simulation, SimulationTimeout, parseManifests } from './simulation.ts';
export type { SimulationOptions, RunOptions, ComponentName } from './simulation.ts';
export { toMs } from './duration.ts';
export type { Duration } from './duration.ts';
export type { FaultState } from './faults.ts';
export { Trace } from './trace.ts';
export type { TraceEntry, TraceOp } from './trace.ts';
