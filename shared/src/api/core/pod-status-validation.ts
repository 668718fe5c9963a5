// The rules a write to pods/status must pass (Kubernetes' ValidatePodStatusUpdate): custom
// condition types are qualified names, a new nominatedNodeName is a node name, qosClass never
// changes (the registry gives a status without one the stored one first), a container that
// may not restart stays terminated, resourceClaimStatuses name the spec's claims, podIPs and
// hostIPs are valid IPs (one per family, hostIPs[0] = hostIP). validatePodStatusUpdate(pod,
// old); kubesim adds the phase enum, leaves out the user and allocatedResourcesStatus checks.

import type { StatusCause } from '../../errors.ts';
import { at, fieldDuplicate, fieldForbidden, fieldInvalid, validateEnum, type FieldPath } from '../validation/field.ts';
import { isDNS1123Subdomain, isIPv4, isIPv6, isQualifiedName, isValidIP } from '../validation/names.ts';
import type { Pod } from './pod.ts';
import { POD_PHASES, type ContainerStatus } from './pod-status.ts';

/** kubesim's own rule, on every pod write: a phase Kubernetes knows */
export function validatePodPhase(pod: Pod): StatusCause[] {
  return validateEnum(pod.status?.phase, POD_PHASES, 'status.phase');
}

/** the conditions the kubelet and scheduler own need no name check */
const SYSTEM_CONDITIONS: ReadonlySet<string> = new Set(['PodScheduled', 'Ready', 'Initialized']);

const INVALID_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const ONE_PER_FAMILY = 'may specify no more than one IP for each IP family';

/** ValidatePodStatusUpdate without its ObjectMeta part (defineKind adds that) */
export function validatePodStatusUpdate(pod: Pod, old: Pod): StatusCause[] {
  const status = pod.status ?? {};
  const prev = old.status ?? {};
  const restartPolicy = old.spec?.restartPolicy ?? '';
  const causes = validatePodPhase(pod);
  // (Kubernetes builds this path from `metadata`, so that is where it reports them)
  (status.conditions ?? []).forEach((c, i) => {
    if (SYSTEM_CONDITIONS.has(c.type)) return;
    for (const m of isQualifiedName(c.type)) causes.push(fieldInvalid(at('metadata.conditions', i, 'Type'), c.type, m));
  });
  if ((pod.spec?.nodeName ?? '') !== (old.spec?.nodeName ?? '')) causes.push(fieldForbidden('status.nodeName', 'may not be changed directly'));
  const nominated = status.nominatedNodeName ?? '';
  if (nominated !== (prev.nominatedNodeName ?? '') && nominated !== '') {
    for (const m of isDNS1123Subdomain(nominated)) causes.push(fieldInvalid('status.nominatedNodeName', nominated, m));
  }
  // (ValidateImmutableField: an empty one differs too; the registry's keepPodQOSClass fills it first)
  const qos = status.qosClass ?? '';
  if (qos !== (prev.qosClass ?? '')) causes.push(fieldInvalid('status.qosClass', qos, 'field is immutable'));
  causes.push(...containerStateTransitions(status.containerStatuses, prev.containerStatuses, 'status.containerStatuses', restartPolicy, () => false));
  const sidecars = new Set((old.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  causes.push(...containerStateTransitions(status.initContainerStatuses, prev.initContainerStatuses, 'status.initContainerStatuses', restartPolicy, (name) => sidecars.has(name)));
  // the kubelet never restarts an ephemeral container
  causes.push(...containerStateTransitions(status.ephemeralContainerStatuses, prev.ephemeralContainerStatuses, 'status.ephemeralContainerStatuses', 'Never', () => false));
  causes.push(...validateResourceClaimStatuses(pod));
  causes.push(...validatePodIPs(status.podIPs ?? []));
  causes.push(...validateHostIPs(status.hostIP ?? '', status.hostIPs ?? []));
  return causes;
}

/** a container that terminated and may not run again (restartPolicy Never; OnFailure after
 *  exit code 0; never under Always, nor a sidecar init container) stays terminated. The
 *  path's index is the old status's. */
function containerStateTransitions(
  next: ContainerStatus[] | undefined,
  prev: ContainerStatus[] | undefined,
  path: FieldPath,
  restartPolicy: string,
  restartable: (name: string) => boolean,
): StatusCause[] {
  if (restartPolicy === 'Always' || !next?.length || !prev?.length) return [];
  const causes: StatusCause[] = [];
  prev.forEach((was, i) => {
    const terminated = was.state?.terminated;
    if (!terminated) return;
    if (terminated.exitCode !== 0 && restartPolicy === 'OnFailure') return;
    if (restartable(was.name)) return;
    for (const now of next) {
      if (now.name === was.name && !now.state?.terminated) causes.push(fieldForbidden(at(path, i, 'state'), 'may not be transitioned to non-terminated state'));
    }
  });
  return causes;
}

/** each entry names one of spec.resourceClaims, once; a claim name is a DNS subdomain */
function validateResourceClaimStatuses(pod: Pod): StatusCause[] {
  const statuses = pod.status?.resourceClaimStatuses ?? [];
  if (statuses.length === 0) return [];
  const claims = new Set((pod.spec?.resourceClaims ?? []).map((c) => c.name));
  const seen = new Set<string>();
  const causes: StatusCause[] = [];
  statuses.forEach((s, i) => {
    const p = at('status.resourceClaimStatuses', i, 'name');
    if (!claims.has(s.name)) causes.push(fieldInvalid(p, s.name, 'must match the name of an entry in `spec.resourceClaims`'));
    if (seen.has(s.name)) causes.push(fieldDuplicate(p, s.name));
    seen.add(s.name);
    // (Kubernetes reports the claim name under `name` too)
    if (s.resourceClaimName !== undefined) for (const m of isDNS1123Subdomain(s.resourceClaimName)) causes.push(fieldInvalid(p, s.resourceClaimName, m));
  });
  return causes;
}

/** valid IPs, both families at most once each (so one or two of them) */
function isDualStackPair(ips: readonly string[]): boolean {
  return ips.length === 2 && ips.some(isIPv4) && ips.some(isIPv6);
}

function validatePodIPs(podIPs: readonly { ip: string }[]): StatusCause[] {
  const path = 'status.podIPs';
  const causes: StatusCause[] = [];
  podIPs.forEach((p, i) => {
    if (!isValidIP(p.ip)) causes.push(fieldInvalid(at(path, i), p.ip, INVALID_IP));
  });
  if (podIPs.length > 1) {
    if (!isDualStackPair(podIPs.map((p) => p.ip))) causes.push(fieldInvalid(path, podIPs, ONE_PER_FAMILY));
    causes.push(...duplicateIPs(podIPs, path));
  }
  return causes;
}

function validateHostIPs(hostIP: string, hostIPs: readonly { ip: string }[]): StatusCause[] {
  if (hostIPs.length === 0) return [];
  const path = 'status.hostIPs';
  const first = hostIPs[0]!.ip;
  const causes: StatusCause[] = [];
  if (first !== hostIP) causes.push(fieldInvalid(at(path, 0, 'ip'), first, 'must be equal to `hostIP`'));
  hostIPs.forEach((h, i) => {
    if (!isValidIP(h.ip)) causes.push(fieldInvalid(at(path, i), h.ip, INVALID_IP));
  });
  if (hostIPs.length > 1) {
    causes.push(...duplicateIPs(hostIPs, path));
    if (!isDualStackPair(hostIPs.map((h) => h.ip))) causes.push(fieldInvalid(path, hostIPs, ONE_PER_FAMILY));
  }
  return causes;
}

function duplicateIPs(ips: readonly { ip: string }[], path: FieldPath): StatusCause[] {
  const seen = new Set<string>();
  const causes: StatusCause[] = [];
  ips.forEach((entry, i) => {
    if (seen.has(entry.ip)) causes.push(fieldDuplicate(at(path, i), entry));
    seen.add(entry.ip);
  });
  return causes;
}
