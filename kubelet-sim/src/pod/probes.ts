// Probe results for a simulated container, as the kubelet's prober would see them. An exec
// probe runs its command through the shell model (non-zero exit or running past
// timeoutSeconds fails); httpGet, tcpSocket and grpc succeed when the container is a server
// listening on that port. `kubesim.io/probe-fail` forces failures (after probe-fail-after),
// and a readiness probe fails until `kubesim.io/ready-after` has passed.
// Defaults are Kubernetes': period 10 s, timeout 1 s, success 1, failure 3, no initial delay.

import type { ProbeKind } from '../behaviour/annotations.ts';
import { evaluateExec } from '../behaviour/shell.ts';
import type { Probe } from '../types.ts';
import type { SimContainer } from './container.ts';

export interface ProbeTiming {
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
}

export function probeTiming(p: Probe): ProbeTiming {
  return {
    initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
    periodMs: Math.max(1, p.periodSeconds ?? 10) * 1000,
    timeoutMs: Math.max(1, p.timeoutSeconds ?? 1) * 1000,
    successThreshold: Math.max(1, p.successThreshold ?? 1),
    failureThreshold: Math.max(1, p.failureThreshold ?? 3),
  };
}

export const PROBE_TITLE: Record<ProbeKind, string> = { readiness: 'Readiness', liveness: 'Liveness', startup: 'Startup' };

export function probeOf(c: SimContainer, kind: ProbeKind): Probe | undefined {
  return kind === 'readiness' ? c.spec.readinessProbe : kind === 'liveness' ? c.spec.livenessProbe : c.spec.startupProbe;
}

function resolvePort(c: SimContainer, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.spec.ports?.find((p) => p.name === port)?.containerPort;
}

/** the outcome of one probe of `c` at `now`; `message` is what the Unhealthy event says */
export function runProbe(c: SimContainer, kind: ProbeKind, probe: Probe, podIP: string, now: number): { ok: boolean; message: string } {
  const startedAt = c.state.kind === 'running' ? c.state.startedAt : now;
  const t = probeTiming(probe);
  const forced = c.tuning.probeFail.has(kind) && now >= startedAt + c.tuning.probeFailAfterMs;
  const notYetReady = kind === 'readiness' && now < startedAt + c.tuning.readyAfterMs;
  const target = probe.httpGet ?? probe.tcpSocket ?? probe.grpc;
  if (probe.exec) {
    if (forced || notYetReady) return { ok: false, message: '' };
    const r = evaluateExec(probe.exec.command);
    if (r.ms > t.timeoutMs) return { ok: false, message: `command ${JSON.stringify((probe.exec.command ?? []).join(' '))} timed out` };
    return r.exitCode === 0 ? { ok: true, message: '' } : { ok: false, message: `command exited with status ${r.exitCode}` };
  }
  if (!target) return { ok: true, message: '' };
  const port = resolvePort(c, target.port);
  const addr = `${podIP}:${port ?? target.port}`;
  const refused = probe.httpGet
    ? `Get "http://${addr}${probe.httpGet.path ?? '/'}": dial tcp ${addr}: connect: connection refused`
    : `dial tcp ${addr}: connect: connection refused`;
  const listening = c.behaviour.server && port !== undefined && (c.servedPorts.length === 0 || c.servedPorts.includes(port));
  if (!listening) return { ok: false, message: refused };
  if (forced || notYetReady) {
    if (probe.httpGet) return { ok: false, message: `HTTP probe failed with statuscode: ${notYetReady && !forced ? 503 : 500}` };
    if (probe.grpc) return { ok: false, message: 'service unhealthy (responded with "NOT_SERVING")' };
    return { ok: false, message: refused };
  }
  return { ok: true, message: '' };
}
