// The `kubesim.io/` annotations that tune how a pod's containers behave in the simulation
// (documented in kubelet-sim/README.md). Every key applies to all containers of the pod;
// `kubesim.io/<key>.<container>` overrides it for one container. Durations take `30s`,
// `1m30s` or plain seconds; sizes take Kubernetes quantities. Unparsable values are ignored.
// `containerTuning(pod, 'web')` gives the resolved settings for container `web`.

import { tryParseQuantity } from '@kubesim/shared';
import { parseDuration } from '../duration.ts';

export const ANNOTATION_PREFIX = 'kubesim.io/';

export type ProbeKind = 'readiness' | 'liveness' | 'startup';

export interface ContainerTuning {
  /** time from "creating" to running */
  startDelayMs: number;
  /** the container reports ready only this long after it started */
  readyAfterMs: number;
  /** the container exits this long after it started (with `exitCode`, default 1) */
  crashAfterMs: number | undefined;
  /** exit code for crash-after, and for a program that ends by itself */
  exitCode: number | undefined;
  /** image pull time (overrides the size-based default and node slow-downs) */
  imagePullMs: number | undefined;
  /** the image pull fails with this message */
  imagePullError: string | undefined;
  /** simulated usage */
  cpuMilli: number | undefined;
  memoryBytes: number | undefined;
  /** probes that fail (after `probeFailAfterMs` since start) */
  probeFail: ReadonlySet<ProbeKind>;
  probeFailAfterMs: number;
  /** how long the container takes to exit after SIGTERM; undefined = by its behaviour */
  stopDelayMs: number | undefined;
}

interface Annotated {
  metadata: { annotations?: Record<string, string> };
}

function lookup(pod: Annotated, key: string, container: string): string | undefined {
  const a = pod.metadata.annotations;
  if (!a) return undefined;
  return a[`${ANNOTATION_PREFIX}${key}.${container}`] ?? a[`${ANNOTATION_PREFIX}${key}`];
}

function duration(pod: Annotated, key: string, container: string): number | undefined {
  const d = parseDuration(lookup(pod, key, container));
  return d === undefined || d < 0 ? undefined : d;
}

function int(pod: Annotated, key: string, container: string): number | undefined {
  const v = lookup(pod, key, container);
  if (v === undefined || !/^\s*-?\d+\s*$/.test(v)) return undefined;
  return Number.parseInt(v, 10);
}

const QUIET: ContainerTuning = Object.freeze({
  startDelayMs: 0,
  readyAfterMs: 0,
  crashAfterMs: undefined,
  exitCode: undefined,
  imagePullMs: undefined,
  imagePullError: undefined,
  cpuMilli: undefined,
  memoryBytes: undefined,
  probeFail: new Set<ProbeKind>(),
  probeFailAfterMs: 0,
  stopDelayMs: undefined,
});

export function containerTuning(pod: Annotated, container: string): ContainerTuning {
  const a = pod.metadata.annotations;
  if (!a || !Object.keys(a).some((k) => k.startsWith(ANNOTATION_PREFIX))) return QUIET;
  const cpuText = lookup(pod, 'cpu-usage', container);
  const memText = lookup(pod, 'memory-usage', container);
  const cpu = cpuText ? tryParseQuantity(cpuText) : undefined;
  const mem = memText ? tryParseQuantity(memText) : undefined;
  const probeFail = new Set<ProbeKind>();
  const failing = lookup(pod, 'probe-fail', container);
  for (const p of failing ? failing.split(',') : []) {
    const k = p.trim().toLowerCase();
    if (k === 'readiness' || k === 'liveness' || k === 'startup') probeFail.add(k);
    if (k === 'all' || k === 'true') for (const x of ['readiness', 'liveness', 'startup'] as const) probeFail.add(x);
  }
  return {
    startDelayMs: duration(pod, 'start-delay', container) ?? 0,
    readyAfterMs: duration(pod, 'ready-after', container) ?? 0,
    crashAfterMs: duration(pod, 'crash-after', container),
    exitCode: int(pod, 'exit-code', container),
    imagePullMs: duration(pod, 'image-pull-seconds', container),
    imagePullError: lookup(pod, 'image-pull-error', container),
    cpuMilli: cpu ? cpu.milliValue() : undefined,
    memoryBytes: mem ? mem.value() : undefined,
    probeFail,
    probeFailAfterMs: duration(pod, 'probe-fail-after', container) ?? 0,
    stopDelayMs: duration(pod, 'stop-delay', container),
  };
}
