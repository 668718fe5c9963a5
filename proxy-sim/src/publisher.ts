// What proxy-sim writes back to the apiserver, per Service (a small level-triggered loop):
//   - metadata.annotations `kubesim.io/local-endpoint-<port>: "127.0.0.1:<localPort>"` for each
//     TCP service port, naming the local port that stands in for <clusterIP>:<port> (10.96.x.y
//     is not routable here); stale ones are removed;
//   - for a LoadBalancer service without a loadBalancerClass, status.loadBalancer.ingress
//     [{ip: 127.0.0.1, ipMode: VIP}] through the status subresource, as a cloud controller
//     would once its load balancer exists; cleared again when the type changes.
// `desired(key)` comes from the proxy table; the current state from the Service informer.

import { createWorkQueue, isNotFound, resources, runController } from '@kubesim/shared';
import type { Client, Clock, LoggerLike, Service, SharedInformer } from '@kubesim/shared';

export const LOCAL_ENDPOINT_ANNOTATION_PREFIX = 'kubesim.io/local-endpoint-';

export interface PublisherOptions {
  client: Client;
  clock: Clock;
  logger: LoggerLike;
  services: SharedInformer<Service>;
  /** the local-endpoint annotations the service should carry (port → host:port) */
  desiredLocalEndpoints(key: string): Record<string, string>;
  /** the address put in status.loadBalancer.ingress */
  ingressIP: string;
  publishLocalEndpoints: boolean;
}

type Ingress = NonNullable<NonNullable<NonNullable<Service['status']>['loadBalancer']>['ingress']>;

function sameIngress(a: Ingress | undefined, b: Ingress): boolean {
  return (a ?? []).length === b.length && b.every((x, i) => a![i]!.ip === x.ip && (a![i]!.ipMode ?? 'VIP') === (x.ipMode ?? 'VIP') && !a![i]!.hostname);
}

export function startPublisher(opts: PublisherOptions): { enqueue(key: string): void; stop(): Promise<void> } {
  const { client, services } = opts;
  const queue = createWorkQueue<string>({ clock: opts.clock, name: 'proxy-sim-publisher' });
  const ours: Ingress = [{ ip: opts.ingressIP, ipMode: 'VIP' }];

  async function reconcile(key: string): Promise<void> {
    const svc = services.store.get(key);
    if (!svc) return;
    const name = svc.metadata.name ?? '';
    const namespace = svc.metadata.namespace ?? 'default';
    try {
      if (opts.publishLocalEndpoints) {
        const want = opts.desiredLocalEndpoints(key);
        const have = svc.metadata.annotations ?? {};
        const patch: Record<string, string | null> = {};
        for (const k of Object.keys(have)) if (k.startsWith(LOCAL_ENDPOINT_ANNOTATION_PREFIX) && !(k in want)) patch[k] = null;
        for (const [k, v] of Object.entries(want)) if (have[k] !== v) patch[k] = v;
        if (Object.keys(patch).length > 0) {
          await client.patch(resources.services, name, { metadata: { annotations: patch } }, { type: 'merge', namespace, fieldManager: 'proxy-sim' });
        }
      }
      const ingress = svc.status?.loadBalancer?.ingress;
      const isOurs = svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
      if (isOurs && !sameIngress(ingress, ours)) {
        await client.patch(resources.services, name, { status: { loadBalancer: { ingress: ours } } }, { type: 'merge', namespace, subresource: 'status', fieldManager: 'proxy-sim' });
      } else if (!isOurs && ingress && sameIngress(ingress, ours)) {
        await client.patch(resources.services, name, { status: { loadBalancer: { ingress: null } } }, { type: 'merge', namespace, subresource: 'status', fieldManager: 'proxy-sim' });
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  const stop = runController({ name: 'proxy-sim-publisher', queue, workers: 2, clock: opts.clock, logger: opts.logger, reconcile });
  return { enqueue: (key) => queue.add(key), stop };
}
