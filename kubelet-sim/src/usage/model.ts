// Simulated resource usage of a running container. An annotation (`kubesim.io/cpu-usage`,
// `kubesim.io/memory-usage`) gives a flat figure; otherwise a default model: a server uses a
// quarter of its CPU request (5m without one) swaying ±20% over a minute, and half its memory
// request (24Mi without one); a script sleeping or echoing uses next to nothing (1m, 1Mi).
// `cpuCoreNanoSeconds` integrates the CPU curve from the start, as cAdvisor's counter does.

import type { ContainerTuning } from '../behaviour/annotations.ts';
import type { Behaviour } from '../behaviour/shell.ts';
import type { Container } from '../types.ts';
import { amount } from '../pod/admission.ts';

const MiB = 1024 * 1024;
const PERIOD_MS = 60_000;
const SWAY = 0.2;

export interface UsageModel {
  cpuMilli: number;
  memoryBytes: number;
  /** sway of the CPU curve (0 = flat) and its phase */
  sway: number;
  phase: number;
}

export function usageModel(spec: Container, tuning: ContainerTuning, behaviour: Behaviour, phase: number): UsageModel {
  const req = { ...spec.resources?.limits, ...spec.resources?.requests };
  const cpuReq = amount('cpu', req.cpu);
  const memReq = amount('memory', req.memory);
  const cpuMilli = tuning.cpuMilli ?? (behaviour.server ? (cpuReq > 0 ? cpuReq / 4 : 5) : 1);
  const memoryBytes = tuning.memoryBytes ?? (behaviour.server ? (memReq > 0 ? Math.round(memReq / 2) : 24 * MiB) : 1 * MiB);
  return { cpuMilli, memoryBytes, sway: tuning.cpuMilli === undefined && behaviour.server ? SWAY : 0, phase };
}

/** CPU in millicores at `now` */
export function cpuAt(m: UsageModel, now: number): number {
  return m.cpuMilli * (1 + m.sway * Math.sin((2 * Math.PI * now) / PERIOD_MS + m.phase));
}

/** CPU time used between `from` and `to`, in core-nanoseconds */
export function cpuCoreNanos(m: UsageModel, from: number, to: number): number {
  if (to <= from) return 0;
  const w = (2 * Math.PI) / PERIOD_MS;
  const wave = m.sway === 0 ? 0 : (m.sway / w) * (Math.cos(w * from + m.phase) - Math.cos(w * to + m.phase));
  // millicore × ms = 1e-6 core-seconds = 1e3 core-nanoseconds
  return Math.round(m.cpuMilli * ((to - from) + wave) * 1000);
}
