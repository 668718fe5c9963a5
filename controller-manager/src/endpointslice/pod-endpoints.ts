// From pods to endpoints: the rules both endpoint controllers share (Kubernetes:
// k8s.io/endpointslice utils and util/endpoint). A pod backs a service when the service's
// selector matches it, it is not terminal (Succeeded/Failed), it has an IP, and — unless the
// caller includes them — it is not terminating. Its ports are the service's ports with each
// targetPort resolved in that pod (a named targetPort is looked up in the pod's containerPorts,
// so two pods may back the same service port on different numbers).
// kubesim simplifies: IPv4 only (addressType IPv4); no topology hints.

import { selectorFromSet } from '@kubesim/shared';
import type { EndpointSlice, Node, Pod, Service, ServicePort } from '@kubesim/shared';
import { isPodReady } from '../pods.ts';

export type SliceEndpoint = EndpointSlice['endpoints'][number];
export type SlicePort = NonNullable<EndpointSlice['ports']>[number];

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';
/** the managed-by value of slices this controller owns */
export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** kube-controller-manager's --max-endpoints-per-slice default */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** a ClusterIP that is neither empty nor None */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

/** services the endpoint controllers fill: a (non-empty) selector, and not ExternalName */
export function wantsEndpoints(svc: Service): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0 && svc.spec?.type !== 'ExternalName';
}

/** whether `svc`'s selector picks `pod` (same namespace; an empty selector picks nothing here) */
export function selects(svc: Service, pod: Pod): boolean {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return false;
  if ((svc.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) return false;
  return selectorFromSet(sel).matches(pod.metadata.labels ?? {});
}

/** the pod's IPv4 address, from status.podIPs or status.podIP */
export function podIPv4(pod: Pod): string | undefined {
  const ips = [...(pod.status?.podIPs ?? []).map((p) => p.ip), pod.status?.podIP ?? ''];
  return ips.find((ip) => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip));
}

/** Kubernetes' ShouldPodBeInEndpoints */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/**
 * The container port a service port reaches in this pod: a number is used as is; a name is
 * looked up among the containerPorts (and sidecars') with the same protocol. Undefined: the
 * pod does not offer that port, and the service port is left out for this pod.
 */
export function findPort(pod: Pod, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = svcPort.protocol ?? 'TCP';
  const containers = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** the service's ports as this pod serves them (Kubernetes: getEndpointPorts) */
export function endpointPorts(svc: Service, pod: Pod): SlicePort[] {
  const out: SlicePort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

/** whether the endpoint carries the pod's hostname (Kubernetes: ShouldSetHostname) */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

/**
 * One endpoint for a pod (Kubernetes: podToEndpoint). serving = the pod is Ready;
 * terminating = it has a deletionTimestamp; ready = serving and not terminating — or always,
 * when the service publishes not-ready addresses.
 */
export function podToEndpoint(pod: Pod, node: Node | undefined, svc: Service): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: SliceEndpoint = {
    addresses: [podIPv4(pod) ?? ''],
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
  };
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname!;
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[LABEL_TOPOLOGY_ZONE];
  if (zone) ep.zone = zone;
  return ep;
}

/** a stable key for a set of ports: slices group endpoints that expose exactly the same ports */
export function portSetKey(ports: readonly SlicePort[] | undefined): string {
  return JSON.stringify(
    (ports ?? [])
      .map((p) => [p.name ?? '', p.protocol ?? 'TCP', p.port ?? 0, p.appProtocol ?? ''])
      .sort((a, b) => String(a).localeCompare(String(b))),
  );
}

/**
 * What changes in a pod can change its endpoints: an update that leaves this projection
 * alone (a kubelet heartbeat, an annotation) needs no sync (Kubernetes: podEndpointsChanged).
 */
export function podEndpointProjection(pod: Pod): string {
  return JSON.stringify([
    pod.metadata.uid,
    pod.metadata.labels ?? {},
    pod.metadata.deletionTimestamp ?? null,
    pod.status?.phase,
    pod.status?.podIP,
    pod.status?.podIPs ?? [],
    isPodReady(pod),
    pod.spec?.nodeName,
    pod.spec?.hostname,
    pod.spec?.subdomain,
    (pod.spec?.containers ?? []).map((c) => c.ports ?? []),
    (pod.spec?.initContainers ?? []).map((c) => [c.restartPolicy, c.ports ?? []]),
  ]);
}
