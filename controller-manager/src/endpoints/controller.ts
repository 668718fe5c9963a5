// The Endpoints controller keeps the legacy core/v1 Endpoints object of every Service with a
// selector: same name as the service, the service's labels (plus service.kubernetes.io/headless
// for headless services), and subsets of ready and not-ready addresses with their ports — what
// `kubectl get endpoints` prints. Kubernetes (pkg/controller/endpoint) syncs a service's key on
// any change to the service, to a pod it selects, or to its Endpoints object; it deletes the
// Endpoints when the service is gone and never touches those of services without a selector
// (their Endpoints are written by hand, like the apiserver's own `kubernetes` one).
// kubesim simplifies: no last-change-trigger-time annotation, no batching period.

import { createWorkQueue, errorMessage, finalStateOf, isAlreadyExists, isConflict, isNotFound, metaNamespaceKey, resources, runController, splitMetaNamespaceKey } from '@kubesim/shared';
import type { Endpoints, Pod, Service } from '@kubesim/shared';
import { deepEqual } from '../canonical.ts';
import type { ControllerContext, RunningController } from '../context.ts';
import { LABEL_HEADLESS, isServiceIPSet, podEndpointProjection, selects, wantsEndpoints } from '../endpointslice/pod-endpoints.ts';
import { endpointSubsets } from './subsets.ts';

export const ENDPOINTS_CONTROLLER = 'endpoints-controller';

/** the labels an Endpoints object carries: the service's, plus headless when it has no cluster IP */
export function endpointsLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (isServiceIPSet(svc)) delete labels[LABEL_HEADLESS];
  else labels[LABEL_HEADLESS] = '';
  return labels;
}

export function startEndpointsController(ctx: ControllerContext): RunningController {
  const services = ctx.informers.forResource(resources.services);
  const pods = ctx.informers.forResource(resources.pods);
  const endpoints = ctx.informers.forResource(resources.endpoints);
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'endpoint' });

  const servicesOf = (pod: Pod): string[] =>
    services.store
      .byIndex('namespace', pod.metadata.namespace ?? 'default')
      .filter((svc) => selects(svc, pod))
      .map(metaNamespaceKey);

  services.addEventHandler({
    onAdd: (svc) => queue.add(metaNamespaceKey(svc)),
    onUpdate: (_old, svc) => queue.add(metaNamespaceKey(svc)),
    onDelete: (obj) => queue.add(metaNamespaceKey(finalStateOf(obj))),
  });
  pods.addEventHandler({
    onAdd: (pod) => servicesOf(pod).forEach((k) => queue.add(k)),
    onUpdate: (old, pod) => {
      // most pods back no service: that is cheaper to see than whether their endpoint changed
      const keys = new Set([...servicesOf(old), ...servicesOf(pod)]);
      if (keys.size === 0 || podEndpointProjection(old) === podEndpointProjection(pod)) return;
      for (const k of keys) queue.add(k);
    },
    onDelete: (obj) => servicesOf(finalStateOf(obj)).forEach((k) => queue.add(k)),
  });
  // Someone changed or deleted an Endpoints object: sync its service (which may put it back).
  endpoints.addEventHandler({
    onUpdate: (_old, ep) => {
      if (services.store.has(metaNamespaceKey(ep))) queue.add(metaNamespaceKey(ep));
    },
    onDelete: (obj) => {
      const key = metaNamespaceKey(finalStateOf(obj));
      if (services.store.has(key)) queue.add(key);
    },
  });

  async function sync(key: string): Promise<void> {
    const { namespace = 'default', name } = splitMetaNamespaceKey(key);
    const svc = services.store.get(key);
    if (!svc) {
      try {
        await ctx.client.delete(resources.endpoints, name, { namespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    if (!wantsEndpoints(svc)) return;
    const subsets = endpointSubsets(svc, pods.store.byIndex('namespace', namespace));
    const labels = endpointsLabels(svc);
    const current = endpoints.store.get(key);
    if (current && deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels)) return;
    const next: Endpoints = current
      ? { ...structuredClone(current), metadata: { ...structuredClone(current.metadata), labels } }
      : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels } };
    if (subsets.length > 0) next.subsets = subsets;
    else delete next.subsets;
    try {
      if (current) await ctx.client.update(resources.endpoints, next, { namespace });
      else await ctx.client.create(resources.endpoints, next, { namespace });
    } catch (err) {
      // a conflict means our cache is behind: the retry will see the newer object
      if (!isAlreadyExists(err) && !isConflict(err)) ctx.recorder.event(svc, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${key}: ${errorMessage(err)}`);
      throw err;
    }
  }

  const stop = runController({ name: ENDPOINTS_CONTROLLER, queue, workers: ctx.workers ?? 5, clock: ctx.clock, ready: ctx.cachesSynced, logger: ctx.logger, reconcile: sync });
  return { name: ENDPOINTS_CONTROLLER, stop };
}
