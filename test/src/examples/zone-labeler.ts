// Worked example (docs/simulation.md): your own controller. The zone labeler copies each
// bound pod's node zone onto the pod as the label kubesim.io/zone, so that Services and
// dashboards can select pods by zone. One reconcile function over the kit's informers:
// level-based, idempotent, and safe to restart at any moment.

import { isNotFound, resources } from '@kubesim/shared';
import { defineController } from '../controller.ts';

export const ZONE_LABEL = 'kubesim.io/zone';
const NODE_ZONE = 'topology.kubernetes.io/zone';

export const zoneLabeler = defineController({
  name: 'zone-labeler',
  resource: resources.pods,
  reads: [resources.nodes],
  async reconcile(key, ctx) {
    const pod = ctx.get(key);
    if (!pod?.spec?.nodeName || pod.metadata.deletionTimestamp) return; // not bound yet, or leaving
    const node = ctx.informer(resources.nodes).store.get(pod.spec.nodeName);
    if (!node) throw new Error(`node ${pod.spec.nodeName} not in the cache yet`); // retried with backoff
    const zone = node.metadata.labels?.[NODE_ZONE];
    if (!zone || pod.metadata.labels?.[ZONE_LABEL] === zone) return; // nothing to do
    try {
      await ctx.client.patch(resources.pods, pod.metadata.name ?? '', { metadata: { labels: { [ZONE_LABEL]: zone } } }, { type: 'merge', namespace: pod.metadata.namespace ?? 'default' });
    } catch (err) {
      if (!isNotFound(err)) throw err; // deleted meanwhile: done
    }
  },
});
