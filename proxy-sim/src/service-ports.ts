// What proxy-sim should serve for one Service, computed from the Service and its
// EndpointSlices alone, as kube-proxy's ServiceChangeTracker and EndpointsChangeTracker do:
// one ServicePortInfo per TCP service port ("ns/name:port" in kube-proxy's terms), with its
// endpoints (podIP:targetPort, merged over every slice labelled kubernetes.io/service-name,
// deduplicated, a ready copy winning) and where each one is reachable on this machine.
// `usableEndpoints` is kube-proxy's CategorizeEndpoints: the ready endpoints; when none is
// ready, the serving-and-terminating ones; with a Local traffic policy, only this node's.
// kubesim simplifies: TCP only; no externalIPs, topology hints or trafficDistribution.

import type { EndpointSlice, Service } from '@kubesim/shared';

export interface ProxyEndpoint {
  /** podIP:port, the endpoint's identity (kube-proxy's) */
  id: string;
  ip: string;
  port: number;
  /** host:port to dial on this machine, or undefined when the endpoint is unreachable here */
  backend: string | undefined;
  /** namespace/name of the pod behind it */
  pod?: string;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

export interface ServicePortInfo {
  /** `namespace/name:portName` (portName may be empty) */
  key: string;
  namespace: string;
  name: string;
  portName: string;
  /** the service port (what the cluster IP listens on) */
  port: number;
  protocol: string;
  type: string;
  /** the cluster IP, or undefined for headless services */
  clusterIP: string | undefined;
  nodePort: number | undefined;
  /** ClientIP affinity timeout, 0 without affinity */
  affinityTimeoutMs: number;
  internalTrafficLocal: boolean;
  externalTrafficLocal: boolean;
  endpoints: ProxyEndpoint[];
}

/** where an endpoint (its address, port and pod) is reachable on this machine, as host:port */
export type BackendResolver = (ep: { ip: string; port: number; pod?: { namespace: string; name: string; uid?: string } }) => string | undefined;

export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

/** whether proxy-sim serves this service at all: not ExternalName, not headless */
export function isProxied(svc: Service): boolean {
  const spec = svc.spec;
  if (!spec || spec.type === 'ExternalName') return false;
  return !!spec.clusterIP && spec.clusterIP !== 'None';
}

export function servicePorts(svc: Service, slices: readonly EndpointSlice[], resolve: BackendResolver): ServicePortInfo[] {
  if (!isProxied(svc)) return [];
  const spec = svc.spec!;
  const namespace = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name ?? '';
  const type = spec.type ?? 'ClusterIP';
  const usesNodePorts = type === 'NodePort' || type === 'LoadBalancer';
  const affinityTimeoutMs = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS) * 1000 : 0;
  const out: ServicePortInfo[] = [];
  for (const sp of spec.ports ?? []) {
    const protocol = sp.protocol ?? 'TCP';
    if (protocol !== 'TCP') continue;
    const portName = sp.name ?? '';
    out.push({
      key: `${namespace}/${name}:${portName}`,
      namespace,
      name,
      portName,
      port: sp.port,
      protocol,
      type,
      clusterIP: spec.clusterIP,
      nodePort: usesNodePorts && sp.nodePort ? sp.nodePort : undefined,
      affinityTimeoutMs,
      internalTrafficLocal: spec.internalTrafficPolicy === 'Local',
      externalTrafficLocal: spec.externalTrafficPolicy === 'Local',
      endpoints: endpointsFor(namespace, portName, protocol, slices, resolve),
    });
  }
  return out;
}

function endpointsFor(namespace: string, portName: string, protocol: string, slices: readonly EndpointSlice[], resolve: BackendResolver): ProxyEndpoint[] {
  const byId = new Map<string, ProxyEndpoint>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4') continue;
    const sp = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (!sp || sp.port === undefined) continue;
    for (const e of slice.endpoints) {
      const ip = e.addresses[0];
      if (!ip) continue;
      // absent conditions mean "unknown": treat as ready (the API's advice to consumers)
      const ready = e.conditions?.ready ?? true;
      const ep: ProxyEndpoint = {
        id: `${ip}:${sp.port}`,
        ip,
        port: sp.port,
        backend: undefined,
        ready,
        serving: e.conditions?.serving ?? ready,
        terminating: e.conditions?.terminating ?? false,
      };
      const ref = e.targetRef;
      const pod = ref?.kind === 'Pod' && ref.name ? { namespace: ref.namespace ?? namespace, name: ref.name, ...(ref.uid ? { uid: ref.uid } : {}) } : undefined;
      if (pod) ep.pod = `${pod.namespace}/${pod.name}`;
      if (e.nodeName) ep.nodeName = e.nodeName;
      ep.backend = resolve({ ip, port: sp.port, ...(pod ? { pod } : {}) });
      const seen = byId.get(ep.id);
      if (!seen || (!seen.ready && ep.ready)) byId.set(ep.id, ep);
    }
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The endpoints a frontend balances over (kube-proxy's CategorizeEndpoints): ready ones, or
 * if none is ready the serving-and-terminating ones — only this node's when the policy is
 * Local and the proxy knows its node — and only those reachable from here.
 */
export function usableEndpoints(endpoints: readonly ProxyEndpoint[], local: boolean, nodeName: string | undefined): ProxyEndpoint[] {
  const candidates = local && nodeName !== undefined ? endpoints.filter((e) => e.nodeName === nodeName) : endpoints;
  const ready = candidates.filter((e) => e.ready);
  const chosen = ready.length > 0 ? ready : candidates.filter((e) => e.serving && e.terminating);
  return chosen.filter((e) => e.backend !== undefined);
}
