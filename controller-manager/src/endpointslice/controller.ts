// The EndpointSlice controller keeps, for every Service with a selector, EndpointSlices
// (discovery.k8s.io/v1) listing the pods behind it: address, ready/serving/terminating,
// nodeName, zone and targetRef, at most 100 per slice, named <service>-<random>, labelled
// kubernetes.io/service-name and managed-by endpointslice-controller.k8s.io, owned by the
// Service. Kubernetes (pkg/controller/endpointslice) wakes a service's key on any change to
// the service, to a pod its selector picks (old or new labels), to a node's zone, or to one
// of its slices; kubesim does the same, skipping pod updates that cannot change an endpoint.
// Proxies (proxy-sim here, kube-proxy there) read only these slices.

import { createWorkQueue, finalStateOf, metaNamespaceKey, resources, runController } from '@kubesim/shared';
import type { EndpointSlice, Node, Pod, Service } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { ENDPOINTSLICE_CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, LABEL_TOPOLOGY_ZONE, podEndpointProjection, selects } from './pod-endpoints.ts';
import { syncEndpointSlices } from './sync.ts';
import type { EndpointSliceCaches } from './sync.ts';
import { EndpointSliceTracker } from './tracker.ts';

export const ENDPOINTSLICE_CONTROLLER = 'endpointslice-controller';

export function startEndpointSliceController(ctx: ControllerContext): RunningController {
  const caches: EndpointSliceCaches = {
    services: ctx.informers.forResource(resources.services),
    pods: ctx.informers.forResource(resources.pods),
    nodes: ctx.informers.forResource(resources.nodes),
    slices: ctx.informers.forResource(resources.endpointslices),
    tracker: new EndpointSliceTracker(ctx.clock),
  };
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'endpointslice' });

  const servicesOf = (pod: Pod): string[] =>
    caches.services.store
      .byIndex('namespace', pod.metadata.namespace ?? 'default')
      .filter((svc) => selects(svc, pod))
      .map(metaNamespaceKey);
  const enqueueService = (svc: Service): void => queue.add(metaNamespaceKey(svc));

  caches.services.addEventHandler({
    onAdd: enqueueService,
    onUpdate: (_old, svc) => enqueueService(svc),
    onDelete: (obj) => enqueueService(finalStateOf(obj)),
  });

  caches.pods.addEventHandler({
    onAdd: (pod) => servicesOf(pod).forEach((k) => queue.add(k)),
    onUpdate: (old, pod) => {
      // most pods back no service: that is cheaper to see than whether their endpoint changed
      const keys = new Set([...servicesOf(old), ...servicesOf(pod)]);
      if (keys.size === 0 || podEndpointProjection(old) === podEndpointProjection(pod)) return;
      for (const k of keys) queue.add(k);
    },
    onDelete: (obj) => servicesOf(finalStateOf(obj)).forEach((k) => queue.add(k)),
  });

  // A node's zone is copied onto its pods' endpoints; a pod on an unknown node is left out.
  const nodeChanged = (node: Node): void => {
    const keys = new Set<string>();
    for (const pod of caches.pods.store.list()) if (pod.spec?.nodeName === node.metadata.name) servicesOf(pod).forEach((k) => keys.add(k));
    keys.forEach((k) => queue.add(k));
  };
  caches.nodes.addEventHandler({
    onAdd: (node, initial) => {
      if (!initial) nodeChanged(node);
    },
    onUpdate: (old, node) => {
      if (old.metadata.labels?.[LABEL_TOPOLOGY_ZONE] !== node.metadata.labels?.[LABEL_TOPOLOGY_ZONE]) nodeChanged(node);
    },
    onDelete: (obj) => nodeChanged(finalStateOf(obj)),
  });

  // Someone else changed or deleted one of our slices: put it right. (Initial adds too: a
  // slice whose service went away while no controller ran is found that way.)
  const sliceChanged = (slice: EndpointSlice): void => {
    const service = slice.metadata.labels?.[LABEL_SERVICE_NAME];
    if (!service || slice.metadata.labels?.[LABEL_MANAGED_BY] !== ENDPOINTSLICE_CONTROLLER_NAME) return;
    queue.add(`${slice.metadata.namespace ?? 'default'}/${service}`);
  };
  caches.slices.addEventHandler({
    onAdd: (s) => sliceChanged(s),
    onUpdate: (_old, s) => sliceChanged(s),
    onDelete: (obj) => sliceChanged(finalStateOf(obj)),
  });

  const stop = runController({
    name: ENDPOINTSLICE_CONTROLLER,
    queue,
    workers: ctx.workers ?? 5,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (key) => syncEndpointSlices(ctx, caches, key),
  });
  return { name: ENDPOINTSLICE_CONTROLLER, stop };
}
