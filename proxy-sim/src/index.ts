// @kubesim/proxy-sim: kubesim's kube-proxy. startProxySim watches Services and EndpointSlices
// and makes them reachable on this machine: NodePorts on 127.0.0.1:<nodePort>, each ClusterIP
// service port on a local port published as `kubesim.io/local-endpoint-<port>`, connections
// forwarded round-robin (L4) to the loopback ports kubelet-sim opens for serving pods.
// See docs/proxy-sim.md.

export { startProxySim, KUBE_PROXY_METRICS_PORT } from './proxy.ts';
export type { ProxySim, ProxySimOptions, ServicePortStatus } from './proxy.ts';
export { RoundRobinBalancer } from './balancer.ts';
export { servicePorts, usableEndpoints, isProxied, DEFAULT_AFFINITY_TIMEOUT_SECONDS } from './service-ports.ts';
export type { ProxyEndpoint, ServicePortInfo, BackendResolver } from './service-ports.ts';
export { makeBackendResolver } from './backends.ts';
export { LOCAL_ENDPOINT_ANNOTATION_PREFIX } from './publisher.ts';
export { ProxyMetrics, METRICS } from './metrics.ts';
