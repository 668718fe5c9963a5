// One sync of one service's EndpointSlices (Kubernetes: endpointslice Controller.syncService
// and Reconciler.finalize). Reads the caches only: the service, the pods its selector picks,
// their nodes (for zones) and the slices labelled for it and managed by this controller;
// plans with planSlices; writes creates, then updates, then deletes, so an endpoint is never
// missing in between. Services without a selector, and ExternalName services, are left alone.
// kubesim differs: a pod with no nodeName is kept (Kubernetes requires its Node), and when the
// service is gone its slices are deleted here rather than left to the garbage collector.

import { errorMessage, isAlreadyExists, isConflict, isNotFound, resources, splitMetaNamespaceKey } from '@kubesim/shared';
import type { EndpointSlice, Node, Pod, ReconcileResult, Service, SharedInformer } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { ENDPOINTSLICE_CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, endpointPorts, podIPv4, podToEndpoint, portSetKey, selects, shouldPodBeInEndpoints, wantsEndpoints } from './pod-endpoints.ts';
import { planSlices } from './reconcile.ts';
import type { DesiredPortGroup } from './reconcile.ts';
import type { EndpointSliceTracker } from './tracker.ts';

export interface EndpointSliceCaches {
  services: SharedInformer<Service>;
  pods: SharedInformer<Pod>;
  nodes: SharedInformer<Node>;
  slices: SharedInformer<EndpointSlice>;
  tracker: EndpointSliceTracker;
}

/** ms before looking again when the cache lacks our own writes or a pod's node */
export const STALE_CACHE_RETRY_MS = 100;
export const MISSING_NODE_RETRY_MS = 1000;

/** the slices this controller manages for `namespace/name` */
export function managedSlices(slices: SharedInformer<EndpointSlice>, namespace: string, name: string): EndpointSlice[] {
  return slices.store
    .byIndex('namespace', namespace)
    .filter((s) => s.metadata.labels?.[LABEL_SERVICE_NAME] === name && s.metadata.labels?.[LABEL_MANAGED_BY] === ENDPOINTSLICE_CONTROLLER_NAME);
}

/** the endpoints `svc` should have, grouped by port set; `missingNode` when a pod's Node is not cached */
export function desiredEndpoints(svc: Service, pods: readonly Pod[], nodeOf: (name: string) => Node | undefined): { groups: Map<string, DesiredPortGroup>; missingNode: boolean } {
  const groups = new Map<string, DesiredPortGroup>();
  let missingNode = false;
  const chosen = pods
    .filter((p) => selects(svc, p) && shouldPodBeInEndpoints(p, true) && podIPv4(p) !== undefined)
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const pod of chosen) {
    const nodeName = pod.spec?.nodeName;
    const node = nodeName ? nodeOf(nodeName) : undefined;
    if (nodeName && !node && svc.spec?.publishNotReadyAddresses !== true) {
      missingNode = true;
      continue;
    }
    const ports = endpointPorts(svc, pod);
    const key = portSetKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: [] }));
    group.endpoints.push(podToEndpoint(pod, node, svc));
  }
  return { groups, missingNode };
}

export async function syncEndpointSlices(ctx: ControllerContext, caches: EndpointSliceCaches, key: string): Promise<void | ReconcileResult> {
  const { namespace = 'default', name } = splitMetaNamespaceKey(key);
  const existing = managedSlices(caches.slices, namespace, name);
  const svc = caches.services.store.get(key);
  if (!svc) {
    for (const s of existing) await deleteSlice(ctx, caches, key, s);
    caches.tracker.forgetService(key);
    return;
  }
  if (!wantsEndpoints(svc)) return;
  if (caches.tracker.isStale(key, (n) => caches.slices.store.get(`${namespace}/${n}`))) return { requeueAfter: STALE_CACHE_RETRY_MS };

  const pods = caches.pods.store.byIndex('namespace', namespace);
  const { groups, missingNode } = desiredEndpoints(svc, pods, (n) => caches.nodes.store.get(n));
  const plan = planSlices(svc, groups, existing);
  try {
    for (const s of plan.create) {
      const created = await ctx.client.create(resources.endpointslices, s, { namespace });
      caches.tracker.expectWritten(key, created);
    }
    for (const s of plan.update) {
      const updated = await ctx.client.update(resources.endpointslices, s, { namespace });
      caches.tracker.expectWritten(key, updated);
    }
    for (const s of plan.delete) await deleteSlice(ctx, caches, key, s);
  } catch (err) {
    if (!isAlreadyExists(err) && !isConflict(err)) {
      ctx.recorder.event(svc, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${key}: ${errorMessage(err)}`);
    }
    throw err;
  }
  if (missingNode) return { requeueAfter: MISSING_NODE_RETRY_MS };
}

async function deleteSlice(ctx: ControllerContext, caches: EndpointSliceCaches, key: string, s: EndpointSlice): Promise<void> {
  try {
    await ctx.client.delete(resources.endpointslices, s.metadata.name ?? '', { namespace: s.metadata.namespace ?? 'default' });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  caches.tracker.expectDeleted(key, s);
}
