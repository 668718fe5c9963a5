// Probes and lifecycle handlers (exec, httpGet, tcpSocket, grpc, sleep): schemas, Kubernetes'
// defaults (timeoutSeconds 1, periodSeconds 10, successThreshold 1, failureThreshold 3;
// httpGet path "/" and scheme HTTP) and validation (exactly one handler; liveness and
// startup probes need successThreshold 1). kubesim's kubelet simulates probe outcomes.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { IntOrStringSchema, type IntOrString } from '../common/intorstring.ts';
import { int, obj, opt, str, strList } from '../common/schema.ts';
import { at, fieldForbidden, fieldInvalid, fieldRequired, validateEnum, validateNonnegative, validatePortNumber, type FieldPath } from '../validation/field.ts';
import { isValidPortName } from '../validation/names.ts';

export const ExecActionSchema = obj({
  command: opt(strList(), 'The command line to run inside the container; exit status 0 means healthy.'),
});

export const HTTPGetActionSchema = obj({
  path: opt(str(), 'Path to request on the HTTP server (default "/").'),
  port: IntOrStringSchema.describe('Port number or named container port to connect to.'),
  host: opt(str(), 'Host name to connect to; defaults to the pod IP.'),
  scheme: opt(str(), 'HTTP or HTTPS (default HTTP).'),
  httpHeaders: opt(z.array(obj({ name: str(), value: str() })), 'Custom headers to set in the request.'),
});

export const TCPSocketActionSchema = obj({
  port: IntOrStringSchema.describe('Port number or named container port to connect to.'),
  host: opt(str(), 'Host name to connect to; defaults to the pod IP.'),
});

export const GRPCActionSchema = obj({
  port: int().describe('Port number of the gRPC service.'),
  service: opt(str(), 'Service name placed in the gRPC HealthCheckRequest.'),
});

export const ProbeSchema = obj({
  exec: opt(ExecActionSchema, 'Run a command in the container.'),
  httpGet: opt(HTTPGetActionSchema, 'Perform an HTTP GET.'),
  tcpSocket: opt(TCPSocketActionSchema, 'Open a TCP connection.'),
  grpc: opt(GRPCActionSchema, 'Call the gRPC health checking protocol.'),
  initialDelaySeconds: opt(int(), 'Seconds after the container starts before the first probe.'),
  timeoutSeconds: opt(int(), 'Seconds after which a probe times out (default 1).'),
  periodSeconds: opt(int(), 'How often, in seconds, to probe (default 10).'),
  successThreshold: opt(int(), 'Consecutive successes needed after a failure (default 1; must be 1 for liveness and startup).'),
  failureThreshold: opt(int(), 'Consecutive failures before giving up (default 3).'),
  terminationGracePeriodSeconds: opt(int(), 'Grace period overriding the pod\'s when this probe fails.'),
});
export type Probe = z.infer<typeof ProbeSchema>;

export const LifecycleHandlerSchema = obj({
  exec: opt(ExecActionSchema, 'Run a command in the container.'),
  httpGet: opt(HTTPGetActionSchema, 'Perform an HTTP GET.'),
  tcpSocket: opt(TCPSocketActionSchema, 'Deprecated; kept for compatibility.'),
  sleep: opt(obj({ seconds: int() }), 'Sleep for a number of seconds.'),
});

export const LifecycleSchema = obj({
  postStart: opt(LifecycleHandlerSchema, 'Called right after the container is created.'),
  preStop: opt(LifecycleHandlerSchema, 'Called before the container is terminated.'),
  stopSignal: opt(str(), 'The signal used to stop the container.'),
});
export type Lifecycle = z.infer<typeof LifecycleSchema>;

type HTTPGet = z.infer<typeof HTTPGetActionSchema>;

function defaultHTTPGet(h: HTTPGet | undefined): void {
  if (!h) return;
  h.path ??= '/';
  h.scheme ??= 'HTTP';
}

export function setProbeDefaults(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  defaultHTTPGet(p.httpGet);
}

export function setLifecycleDefaults(l: Lifecycle | undefined): void {
  defaultHTTPGet(l?.postStart?.httpGet);
  defaultHTTPGet(l?.preStop?.httpGet);
}

function validatePortOrName(port: IntOrString, path: FieldPath): StatusCause[] {
  if (typeof port === 'number') return validatePortNumber(port, path);
  return isValidPortName(port).map((m) => fieldInvalid(path, port, m));
}

function validateHandlers(h: Record<string, unknown>, names: readonly string[], path: FieldPath): StatusCause[] {
  const set = names.filter((n) => h[n] !== undefined);
  if (set.length === 0) return [fieldRequired(path, 'must specify a handler type')];
  if (set.length > 1) return [fieldForbidden(at(path, set[1] ?? ''), 'may not specify more than 1 handler type')];
  const causes: StatusCause[] = [];
  const http = h['httpGet'] as HTTPGet | undefined;
  if (http) {
    causes.push(...validatePortOrName(http.port, at(path, 'httpGet', 'port')));
    causes.push(...validateEnum(http.scheme, ['HTTP', 'HTTPS'], at(path, 'httpGet', 'scheme')));
  }
  const tcp = h['tcpSocket'] as z.infer<typeof TCPSocketActionSchema> | undefined;
  if (tcp) causes.push(...validatePortOrName(tcp.port, at(path, 'tcpSocket', 'port')));
  const exec = h['exec'] as z.infer<typeof ExecActionSchema> | undefined;
  if (exec && (exec.command ?? []).length === 0) causes.push(fieldRequired(at(path, 'exec', 'command')));
  const grpc = h['grpc'] as z.infer<typeof GRPCActionSchema> | undefined;
  if (grpc) causes.push(...validatePortNumber(grpc.port, at(path, 'grpc', 'port')));
  return causes;
}

/** `kind` decides the successThreshold rule: only readiness probes may need more than 1 success */
export function validateProbe(p: Probe | undefined, kind: 'liveness' | 'readiness' | 'startup', path: FieldPath): StatusCause[] {
  if (!p) return [];
  const causes = validateHandlers(p, ['exec', 'httpGet', 'tcpSocket', 'grpc'], path);
  causes.push(...validateNonnegative(p.initialDelaySeconds, at(path, 'initialDelaySeconds')));
  causes.push(...validateNonnegative(p.timeoutSeconds, at(path, 'timeoutSeconds')));
  causes.push(...validateNonnegative(p.periodSeconds, at(path, 'periodSeconds')));
  causes.push(...validateNonnegative(p.successThreshold, at(path, 'successThreshold')));
  causes.push(...validateNonnegative(p.failureThreshold, at(path, 'failureThreshold')));
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds <= 0) {
    causes.push(fieldInvalid(at(path, 'terminationGracePeriodSeconds'), p.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  if (kind !== 'readiness' && p.successThreshold !== undefined && p.successThreshold !== 1) {
    causes.push(fieldInvalid(at(path, 'successThreshold'), p.successThreshold, 'must be 1'));
  }
  if (kind === 'readiness' && p.terminationGracePeriodSeconds !== undefined) {
    causes.push(fieldInvalid(at(path, 'terminationGracePeriodSeconds'), p.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return causes;
}

export function validateLifecycle(l: Lifecycle | undefined, path: FieldPath): StatusCause[] {
  if (!l) return [];
  const causes: StatusCause[] = [];
  if (l.postStart) causes.push(...validateHandlers(l.postStart, ['exec', 'httpGet', 'tcpSocket', 'sleep'], at(path, 'postStart')));
  if (l.preStop) causes.push(...validateHandlers(l.preStop, ['exec', 'httpGet', 'tcpSocket', 'sleep'], at(path, 'preStop')));
  return causes;
}
