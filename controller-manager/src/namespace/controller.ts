// The namespace controller finishes what `kubectl delete namespace` starts. The apiserver
// only marks the namespace (deletionTimestamp, status.phase Terminating) and keeps it while
// spec.finalizers holds "kubernetes". Kubernetes (pkg/controller/namespace): for a
// namespace being deleted, re-read it, make sure it is Terminating, delete all its content
// (deleter.ts), write the deletion conditions (conditions.ts), and — once nothing is left —
// remove "kubernetes" through PUT /api/v1/namespaces/{name}/finalize; with no finalizer
// left the apiserver removes the namespace. Content still going away → look again after
// estimate/2 + 1 s; an error → rate-limited retry.
// kubesim: the same loop; resources from the shared table (no discovery); no periodic
// resync of live namespaces (there is nothing to do for them).

import { createWorkQueue, formatTime, isNotFound, allResources, resources, runController } from '@kubesim/shared';
import type { Namespace, ReconcileResult, ResourceType } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { deepEqual } from '../canonical.ts';
import { updateNamespaceConditions } from './conditions.ts';
import { deleteAllContent } from './deleter.ts';

export const NAMESPACE_CONTROLLER = 'namespace-controller';
/** the finalizer the namespace controller owns (Kubernetes' v1.FinalizerKubernetes) */
export const FINALIZER_KUBERNETES = 'kubernetes';

export interface NamespaceControllerOptions {
  /** the kinds to empty a namespace of (default: every namespaced kind in the shared table) */
  resources?: readonly ResourceType[];
}

export function startNamespaceController(ctx: ControllerContext, opts: NamespaceControllerOptions = {}): RunningController {
  const nsInformer = ctx.informers.forResource(resources.namespaces);
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'namespace' });
  const types = (opts.resources ?? allResources).filter((t) => t.namespaced);

  const enqueue = (ns: Namespace): void => {
    if (ns.metadata.deletionTimestamp) queue.add(ns.metadata.name ?? '');
  };
  const handle = nsInformer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });

  const stop = runController({
    name: NAMESPACE_CONTROLLER,
    queue,
    workers: ctx.workers ?? 5,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (name) => syncNamespace(ctx, types, name),
  });
  return {
    name: NAMESPACE_CONTROLLER,
    async stop() {
      handle.remove();
      await stop();
    },
  };
}

/** one pass over one namespace (Kubernetes: namespacedResourcesDeleter.Delete) */
export async function syncNamespace(ctx: ControllerContext, types: readonly ResourceType[], name: string): Promise<void | ReconcileResult> {
  if (!name) return;
  // other controllers edit a terminating namespace too: start from the live object
  let ns: Namespace;
  try {
    ns = await ctx.client.get(resources.namespaces, name);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  const deletedAt = ns.metadata.deletionTimestamp;
  if (!deletedAt) return;
  if (ns.status?.phase !== 'Terminating') {
    ns = await updateStatus(ctx, { ...ns, status: { ...ns.status, phase: 'Terminating' } });
  }
  if (!ns.spec?.finalizers?.includes(FINALIZER_KUBERNETES)) return;

  const now = ctx.clock.now();
  const pass = await deleteAllContent(ctx.client, name, types, Date.parse(deletedAt), now);
  const conditions = updateNamespaceConditions(ns.status?.conditions, pass, formatTime(now));
  if (!deepEqual(conditions, ns.status?.conditions ?? [])) {
    try {
      ns = await updateStatus(ctx, { ...ns, status: { ...ns.status, conditions } });
    } catch (err) {
      if (isNotFound(err)) return;
      ctx.logger.warn({ controller: NAMESPACE_CONTROLLER, namespace: name, err: String(err) }, 'could not update namespace conditions');
    }
  }
  if (pass.errors.length > 0) throw new Error(`deleting the content of namespace ${name} failed: ${pass.errors.join('; ')}`);
  if (pass.estimateSeconds > 0 || pass.remaining.size > 0) {
    return { requeueAfter: (Math.floor(pass.estimateSeconds / 2) + 1) * 1000 };
  }
  await finalizeNamespace(ctx, ns);
}

async function updateStatus(ctx: ControllerContext, ns: Namespace): Promise<Namespace> {
  return ctx.client.update(resources.namespaces, ns, { subresource: 'status' });
}

/** remove our finalizer through the `finalize` subresource; the apiserver deletes the namespace when none is left */
async function finalizeNamespace(ctx: ControllerContext, ns: Namespace): Promise<void> {
  const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES);
  try {
    await ctx.client.updateSubresource(resources.namespaces, ns.metadata.name ?? '', 'finalize', { ...ns, spec: { ...ns.spec, finalizers } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
