// Fault schedules: faults at virtual times, played into a simulation. A schedule is plain
// data (so fast-check can generate and shrink it, and a failure prints it):
//   [{ at: 12_000, fault: { kind: 'restart', component: 'controller-manager' } },
//    { at: 30_000, fault: { kind: 'stop-node', node: 'pool-0-1' } }]
// `runFaultSchedule(sim, schedule, { until: '5m' })` advances to each fault, applies it,
// and runs on to `until` (measured from the call). Faults on nodes or components that are
// not there are skipped (a shrunk schedule may name a node that no longer exists).

import type { ComponentName, Simulation } from './simulation.ts';
import { toMs, type Duration } from './duration.ts';

export type Fault =
  /** the node's machine dies (no heartbeats, no status) */
  | { kind: 'stop-node'; node: string }
  | { kind: 'start-node'; node: string }
  /** the component's process dies and starts again, losing its memory */
  | { kind: 'restart'; component: ComponentName }
  /** every open watch of the component (all components if absent) ends */
  | { kind: 'disconnect-watches'; component?: string }
  /** the component's next `count` watches get 410 Gone at once */
  | { kind: 'expire-watches'; component: string; count: number }
  /** the component's next `count` updates/patches get 409 Conflict */
  | { kind: 'conflicts'; component: string; count: number }
  /** every API answer to the component takes `ms` more (0 clears) */
  | { kind: 'latency'; component: string; ms: number }
  /** the scheduler's next `count` bindings are acknowledged but lost */
  | { kind: 'drop-bindings'; count: number };

export type FaultKind = Fault['kind'];

export interface ScheduledFault {
  /** virtual ms after the schedule starts */
  at: number;
  fault: Fault;
}

export type FaultSchedule = readonly ScheduledFault[];

export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'stop-node':
    case 'start-node':
      return `${f.kind} ${f.node}`;
    case 'restart':
      return `restart ${f.component}`;
    case 'disconnect-watches':
      return `disconnect-watches ${f.component ?? '*'}`;
    case 'expire-watches':
    case 'conflicts':
      return `${f.kind} ${f.component} ×${f.count}`;
    case 'latency':
      return `latency ${f.component} ${f.ms}ms`;
    case 'drop-bindings':
      return `drop-bindings ×${f.count}`;
  }
}

/** apply one fault now */
export async function applyFault(sim: Simulation, f: Fault): Promise<void> {
  switch (f.kind) {
    case 'stop-node':
      if (sim.isRunning('kubelet-sim') && sim.nodes.names().includes(f.node)) sim.nodes.stop(f.node);
      return;
    case 'start-node':
      if (sim.isRunning('kubelet-sim') && sim.nodes.names().includes(f.node)) await sim.nodes.start(f.node);
      return;
    case 'restart':
      if (sim.isRunning(f.component)) await sim.restart(f.component);
      return;
    case 'disconnect-watches':
      sim.disconnectWatches(f.component);
      return;
    case 'expire-watches':
      sim.inject(f.component, { expiredWatches: sim.faults(f.component).expiredWatches + f.count });
      return;
    case 'conflicts':
      sim.inject(f.component, { conflicts: sim.faults(f.component).conflicts + f.count });
      return;
    case 'latency':
      sim.inject(f.component, { latencyMs: f.ms });
      return;
    case 'drop-bindings':
      sim.inject('scheduler', { droppedBindings: sim.faults('scheduler').droppedBindings + f.count });
      return;
  }
}

export interface RunFaultsOptions {
  /** how long to run in all, from now (default: just past the last fault) */
  until?: Duration;
  /** called after each fault is applied */
  onFault?: (f: ScheduledFault) => void | Promise<void>;
}

/** play a schedule: advance to each fault in time order, apply it, then run to `until` */
export async function runFaultSchedule(sim: Simulation, schedule: FaultSchedule, opts: RunFaultsOptions = {}): Promise<void> {
  const start = sim.clock.now();
  const sorted = [...schedule].sort((a, b) => a.at - b.at);
  for (const sf of sorted) {
    const at = start + sf.at;
    if (at > sim.clock.now()) await sim.advance(at - sim.clock.now());
    await applyFault(sim, sf.fault);
    await opts.onFault?.(sf);
  }
  if (opts.until !== undefined) {
    const end = start + toMs(opts.until);
    if (end > sim.clock.now()) await sim.advance(end - sim.clock.now());
  }
}
