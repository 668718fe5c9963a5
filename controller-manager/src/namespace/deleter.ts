// Emptying a Terminating namespace (Kubernetes: namespaced_resources_deleter.go): per
// namespaced resource, DELETECOLLECTION (Background) then LIST what is left, with an
// estimate of the wait (pods: longest grace left; objects with finalizers: 15 s). Pods go
// first and the rest waits for them (OrderedNamespaceDeletion), so no pod outlives its
// Secrets or PVCs. kubesim: resources from the shared table, not discovery (so discovery
// conditions are always ok); a resource the apiserver does not serve (404/405) is skipped.

import { apiVersionOf, errorMessage, isNotFound, resources } from '@kubesim/shared';
import type { Client, KubeObject, Pod, ResourceType } from '@kubesim/shared';
import type { ContentTotals } from './conditions.ts';

/** the default wait when objects with finalizers remain (Kubernetes' finalizerEstimateSeconds) */
export const FINALIZER_ESTIMATE_SECONDS = 15;

export interface ContentPass extends ContentTotals {
  /** seconds until what remains is expected to be gone; 0 when nothing remains */
  estimateSeconds: number;
}

interface ResourcePass {
  remaining: number;
  finalizers: Map<string, number>;
  estimateSeconds: number;
  error?: string;
}

const isPods = (type: ResourceType): boolean => type.group === '' && type.resource === 'pods';
const isUnsupported = (err: unknown): boolean => isNotFound(err) || (err as { status?: { code?: number } }).status?.code === 405;

/** `pods.`, `deployments.apps`: how Kubernetes names a resource in these messages */
export function groupResourceLabel(type: ResourceType): string {
  return `${type.resource}.${type.group}`;
}

/** the longest time a non-terminal pod may still take, counted from the namespace's deletion */
function estimateGracefulTermination(pods: readonly Pod[], deletedAtMs: number, now: number): number {
  let estimate = 0;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 30);
  }
  const elapsed = Math.floor(Math.max(0, now - deletedAtMs) / 1000);
  return Math.max(0, estimate - elapsed);
}

async function deleteAllContentForResource(client: Client, type: ResourceType, namespace: string, deletedAtMs: number, now: number): Promise<ResourcePass | undefined> {
  const pass: ResourcePass = { remaining: 0, finalizers: new Map(), estimateSeconds: 0 };
  try {
    await client.deleteCollection(type, { namespace, propagationPolicy: 'Background' });
  } catch (err) {
    if (isUnsupported(err)) return undefined;
    pass.error = `${apiVersionOf(type)}, Resource=${type.resource}: ${errorMessage(err)}`;
  }
  let items: KubeObject[];
  try {
    items = (await client.list(type, { namespace })).items;
  } catch (err) {
    if (isUnsupported(err)) return pass.error ? pass : undefined;
    throw err;
  }
  pass.remaining = items.length;
  if (items.length === 0) return pass;
  if (isPods(type)) pass.estimateSeconds = estimateGracefulTermination(items as Pod[], deletedAtMs, now);
  if (pass.estimateSeconds === 0) {
    for (const item of items) for (const f of item.metadata.finalizers ?? []) pass.finalizers.set(f, (pass.finalizers.get(f) ?? 0) + 1);
    pass.estimateSeconds = FINALIZER_ESTIMATE_SECONDS;
  }
  return pass;
}

/** delete everything in `namespace`; what remains, why, and how long to wait for it */
export async function deleteAllContent(client: Client, namespace: string, types: readonly ResourceType[], deletedAtMs: number, now: number): Promise<ContentPass> {
  const out = { remaining: new Map<string, number>(), finalizers: new Map<string, number>(), errors: [] as string[], estimateSeconds: 0 };
  const add = (type: ResourceType, pass: ResourcePass | undefined): void => {
    if (!pass) return;
    if (pass.error) out.errors.push(pass.error);
    if (pass.remaining > 0) out.remaining.set(groupResourceLabel(type), pass.remaining);
    for (const [f, n] of pass.finalizers) out.finalizers.set(f, (out.finalizers.get(f) ?? 0) + n);
    out.estimateSeconds = Math.max(out.estimateSeconds, pass.estimateSeconds);
  };

  const podsFirst = types.some(isPods);
  if (podsFirst) {
    add(resources.pods, await deleteAllContentForResource(client, resources.pods, namespace, deletedAtMs, now));
    if (out.remaining.size > 0 || out.errors.length > 0) return out;
  }
  for (const type of types) {
    if (!type.namespaced || (podsFirst && isPods(type))) continue;
    add(type, await deleteAllContentForResource(client, type, namespace, deletedAtMs, now));
  }
  return out;
}
