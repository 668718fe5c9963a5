// Where a pod's port is reachable on this machine. Pod IPs (10.244.x.y) are not routable
// here: kubelet-sim opens a loopback listener for each serving port of a pod and publishes it
// in the pod's annotations as `kubesim.io/backend-<containerPort>: "127.0.0.1:<localPort>"`
// (shared's meta/pod-backends.ts). That annotation is the contract between the two
// components (they never import each other).
// An endpoint with a loopback address and no pod (a hand-written EndpointSlice, or the
// apiserver's own `kubernetes` one) is dialled as it is. Anything else is unreachable.
// podIdentityAndAnnotations is the pod informer's transform: that is all of a pod read here.

import { BACKEND_ANNOTATION_PREFIX, podBackendAddress } from '@kubesim/shared';
import type { KubeObject, Pod, TransformFunc } from '@kubesim/shared';
import type { BackendResolver } from './service-ports.ts';


export function isLoopback(ip: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) || ip === '::1';
}

/** the backend annotations of a pod, as one comparable string (a change means re-resolving) */
export function backendAnnotations(pod: Pod): string {
  const a = pod.metadata.annotations ?? {};
  return Object.keys(a)
    .filter((k) => k.startsWith(BACKEND_ANNOTATION_PREFIX))
    .sort()
    .map((k) => `${k}=${a[k]}`)
    .join(',');
}

/** what proxy-sim keeps of a pod in its cache: metadata without managedFields, no spec or status */
export const podIdentityAndAnnotations: TransformFunc = <T extends KubeObject>(obj: T): T => {
  const { name, namespace, uid, resourceVersion, deletionTimestamp, labels, annotations } = obj.metadata;
  const metadata: KubeObject['metadata'] = {};
  if (name !== undefined) metadata.name = name;
  if (namespace !== undefined) metadata.namespace = namespace;
  if (uid !== undefined) metadata.uid = uid;
  if (resourceVersion !== undefined) metadata.resourceVersion = resourceVersion;
  if (deletionTimestamp !== undefined) metadata.deletionTimestamp = deletionTimestamp;
  if (labels !== undefined) metadata.labels = labels;
  if (annotations !== undefined) metadata.annotations = annotations;
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata } as T;
};

export function makeBackendResolver(getPod: (namespace: string, name: string) => Pod | undefined): BackendResolver {
  return ({ ip, port, pod }) => {
    if (pod) {
      const p = getPod(pod.namespace, pod.name);
      if (p && (!pod.uid || p.metadata.uid === pod.uid)) {
        const local = podBackendAddress(p, port);
        if (local) return local;
      }
    }
    return isLoopback(ip) ? `${ip}:${port}` : undefined;
  };
}
