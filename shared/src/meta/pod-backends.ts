// kubesim's pod network. Pod IPs (10.244.x.y) are not routable on this machine, so
// kubelet-sim serves each serving port of a pod on a loopback port and publishes it on the
// Pod as `kubesim.io/backend-<containerPort>: "127.0.0.1:<localPort>"`. proxy-sim (Service
// traffic) and the apiserver (pods/proxy, services/proxy) dial that address; this
// annotation is the whole contract between them.
import type { KubeObject } from '../api/meta.ts';

export const BACKEND_ANNOTATION_PREFIX = 'kubesim.io/backend-';

/** the annotation naming where `port` of a pod is served */
export const backendAnnotation = (port: number | string): string => `${BACKEND_ANNOTATION_PREFIX}${port}`;

/** the loopback address a pod's `port` is served at, when kubelet-sim published one */
export function podBackendAddress(pod: KubeObject, port: number | string): string | undefined {
  return pod.metadata.annotations?.[backendAnnotation(port)] || undefined;
}
