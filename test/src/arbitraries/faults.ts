// Fault schedules for generated runs (see fault-schedule.ts for what each fault does):
// node stops (each followed, sometimes, by the node starting again), component restarts,
// watch disconnects and 410s, update conflicts, API latency, lost bindings — spread over a
// horizon. Choose the kinds a property can live with: a lost binding, say, is only
// recovered by the scheduler's assumed-pod expiry.
//   faultScheduleArb({ horizon: '5m', nodes: ['pool-0-0'], kinds: ['restart', 'stop-node'] })

import fc from 'fast-check';
import { toMs, type Duration } from '../duration.ts';
import type { Fault, FaultKind, ScheduledFault } from '../fault-schedule.ts';
import type { ComponentName } from '../simulation.ts';

export interface FaultScheduleOptions {
  /** faults fall in [0, horizon) */
  horizon: Duration;
  /** nodes that may stop (none: no node faults) */
  nodes?: readonly string[];
  /** components that may restart (default controller-manager and scheduler) */
  components?: readonly ComponentName[];
  /** which kinds (default restart, disconnect-watches, expire-watches, conflicts) */
  kinds?: readonly FaultKind[];
  /** at most this many faults (default 4) */
  maxFaults?: number;
  /** a stopped node starts again after 0–this many ms, when the draw says so (default horizon/2) */
  maxDowntime?: Duration;
}

const CLIENTS = ['controller-manager', 'scheduler', 'kubelet-sim'] as const;

function faultArb(kind: FaultKind, o: FaultScheduleOptions): fc.Arbitrary<Fault> | undefined {
  const components = o.components ?? ['controller-manager', 'scheduler'];
  switch (kind) {
    case 'stop-node':
      return o.nodes?.length ? fc.constantFrom(...o.nodes).map((node) => ({ kind, node })) : undefined;
    case 'start-node':
      return undefined; // paired with stop-node below
    case 'restart':
      return components.length ? fc.constantFrom(...components).map((component) => ({ kind, component })) : undefined;
    case 'disconnect-watches':
      return fc.option(fc.constantFrom(...CLIENTS), { nil: undefined }).map((component) => (component ? { kind, component } : { kind }));
    case 'expire-watches':
    case 'conflicts':
      return fc.record({ component: fc.constantFrom(...CLIENTS), count: fc.integer({ min: 1, max: 3 }) }).map((r) => ({ kind, ...r }));
    case 'latency':
      return fc.record({ component: fc.constantFrom(...CLIENTS), ms: fc.constantFrom(0, 50, 500) }).map((r) => ({ kind, ...r }));
    case 'drop-bindings':
      return fc.integer({ min: 1, max: 2 }).map((count) => ({ kind, count }));
  }
}

export function faultScheduleArb(o: FaultScheduleOptions): fc.Arbitrary<ScheduledFault[]> {
  const horizon = toMs(o.horizon);
  const kinds = o.kinds ?? ['restart', 'disconnect-watches', 'expire-watches', 'conflicts'];
  const arbs = kinds.map((k) => faultArb(k, o)).filter((a): a is fc.Arbitrary<Fault> => a !== undefined);
  if (arbs.length === 0) return fc.constant([]);
  const downtime = toMs(o.maxDowntime ?? Math.floor(horizon / 2));
  const one = fc.record({
    at: fc.integer({ min: 0, max: Math.max(0, horizon - 1) }).map((ms) => Math.floor(ms / 100) * 100),
    fault: fc.oneof(...arbs),
    restartAfter: fc.option(fc.integer({ min: 0, max: downtime }), { nil: undefined }),
  });
  return fc.array(one, { maxLength: o.maxFaults ?? 4 }).map((list) => {
    const out: ScheduledFault[] = [];
    for (const f of list) {
      out.push({ at: f.at, fault: f.fault });
      if (f.fault.kind === 'stop-node' && f.restartAfter !== undefined) out.push({ at: f.at + f.restartAfter, fault: { kind: 'start-node', node: f.fault.node } });
    }
    return out.sort((a, b) => a.at - b.at);
  });
}
