// Claiming pods for a workload (Kubernetes: PodControllerRefManager.ClaimPods), shared by
// the Job, DaemonSet and StatefulSet controllers: a pod the owner controls stays while the
// selector matches it and is released (its ownerReference removed) when it stops matching;
// an orphan that matches is adopted, unless the owner is being deleted. The patches carry
// the pod's resourceVersion, so a pod changed meanwhile is left for the next sync.
import { getControllerOf, isConflict, isNotFound, labelSelectorAsSelector, newControllerRef, resources } from '@kubesim/shared';
import type { Client, KubeObject, LabelSelectorInput, OwnerReference, Pod } from '@kubesim/shared';

export interface PodOwner extends KubeObject {
  spec?: { selector?: LabelSelectorInput | undefined } | undefined;
}

/** the pods among `candidates` that `owner` controls after adoption and release */
export async function claimPods(client: Client, owner: PodOwner, gvk: { apiVersion: string; kind: string }, candidates: readonly Pod[]): Promise<Pod[]> {
  const selector = labelSelectorAsSelector(owner.spec?.selector);
  const owned: Pod[] = [];
  for (const pod of candidates) {
    const ref = getControllerOf(pod);
    const matches = selector.matches(pod.metadata.labels ?? {});
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches || pod.metadata.deletionTimestamp) owned.push(pod);
      else await patchOwnerReferences(client, pod, (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid));
      continue;
    }
    if (!matches || owner.metadata.deletionTimestamp || pod.metadata.deletionTimestamp) continue;
    if (await patchOwnerReferences(client, pod, [...(pod.metadata.ownerReferences ?? []), newControllerRef(owner, gvk)])) owned.push(pod);
  }
  return owned;
}

async function patchOwnerReferences(client: Client, pod: Pod, ownerReferences: OwnerReference[]): Promise<boolean> {
  try {
    await client.patch(resources.pods, pod.metadata.name ?? '', { metadata: { ownerReferences, resourceVersion: pod.metadata.resourceVersion } }, {
      type: 'merge',
      namespace: pod.metadata.namespace ?? 'default',
    });
    return true;
  } catch (err) {
    if (isNotFound(err) || isConflict(err)) return false;
    throw err;
  }
}

/** the numeric resourceVersion (kubesim's are store revisions), 0 when absent */
export function resourceVersionOf(obj: KubeObject | undefined): number {
  const n = Number(obj?.metadata.resourceVersion ?? '0');
  return Number.isFinite(n) ? n : 0;
}

/**
 * Read-your-writes for one controller: remembers the object each status write returned, so
 * a sync that runs before the informer has caught up works from the newer copy rather
 * than a stale one (which for a Job would count pods twice). Keys are namespace/name.
 */
export class WrittenObjects<T extends KubeObject> {
  readonly #latest = new Map<string, T>();

  remember(key: string, obj: T): void {
    this.#latest.set(key, obj);
  }

  /** the newer of the cached object and the last one written */
  fresh(key: string, cached: T): T {
    const written = this.#latest.get(key);
    if (!written || written.metadata.uid !== cached.metadata.uid || resourceVersionOf(written) <= resourceVersionOf(cached)) {
      this.#latest.delete(key);
      return cached;
    }
    return written;
  }

  forget(key: string): void {
    this.#latest.delete(key);
  }
}
