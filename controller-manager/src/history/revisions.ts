// ControllerRevisions: the history of a DaemonSet's or StatefulSet's pod template
// (Kubernetes: pkg/controller/history). Each revision holds `data` = the patch
// `{"spec":{"template":{..., "$patch":"replace"}}}` that `kubectl rollout undo` applies to
// go back to it, a `revision` number (the newest is the highest; a rollback renumbers the
// old revision rather than copying it), and the label `controller-revision-hash`. Its name
// is `<parent>-<hash of data>`; when two different data collide on a name, the parent's
// status.collisionCount is bumped and salts the hash. Data never changes after creation.
// kubesim hashes canonical JSON with FNV-32a (deployment/hash.ts), so hashes differ from a
// real cluster's while keeping their properties.
import { isAlreadyExists, isNotFound, labelSelectorAsSelector, newControllerRef, resources, getControllerOf } from '@kubesim/shared';
import type { Client, ControllerRevision, KubeObject, LabelSelectorInput, PodTemplateSpec } from '@kubesim/shared';
import { canonicalJSON } from '../canonical.ts';
import { computePodTemplateHash } from '../deployment/hash.ts';

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
const MAX_PREFIX = 223;

/** the data a revision stores for a pod template */
export function templatePatch(template: PodTemplateSpec): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(template), $patch: 'replace' } } };
}

/** the pod template a revision's data describes (undefined for foreign data) */
export function templateOfRevision(cr: ControllerRevision): PodTemplateSpec | undefined {
  const t = (cr.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (!t) return undefined;
  const copy = structuredClone(t);
  delete copy['$patch'];
  return copy as PodTemplateSpec;
}

export function hashRevisionData(data: unknown, collisionCount?: number): string {
  return computePodTemplateHash(data, collisionCount);
}

export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, MAX_PREFIX)}-${hash}`;
}

export interface RevisionParent extends KubeObject {
  spec: { template: PodTemplateSpec; selector?: LabelSelectorInput };
}

/** a new (unsaved) revision of `parent` holding `data` */
export function newControllerRevision(
  parent: RevisionParent,
  gvk: { apiVersion: string; kind: string },
  data: unknown,
  revision: number,
  collisionCount: number | undefined,
): ControllerRevision {
  const hash = hashRevisionData(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.metadata.name ?? '', hash),
      namespace: parent.metadata.namespace ?? 'default',
      labels: { ...(parent.spec.template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      annotations: { ...(parent.metadata.annotations ?? {}) },
      ownerReferences: [newControllerRef(parent, gvk)],
    },
    data: structuredClone(data) as ControllerRevision['data'],
    revision,
  };
}

export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  return canonicalJSON(a.data) === canonicalJSON(b.data);
}

/** oldest first: by revision number, then creation time, then name */
export function sortRevisions(revs: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revs].sort(
    (a, b) =>
      a.revision - b.revision ||
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
}

export function nextRevisionNumber(revs: readonly ControllerRevision[]): number {
  let max = 0;
  for (const r of revs) max = Math.max(max, r.revision);
  return max + 1;
}

/** the revisions (from a cache of the namespace) that `parent` controls, adopting matching orphans */
export async function claimRevisions(client: Client, parent: RevisionParent, gvk: { apiVersion: string; kind: string }, candidates: readonly ControllerRevision[]): Promise<ControllerRevision[]> {
  const selector = labelSelectorAsSelector(parent.spec.selector);
  const owned: ControllerRevision[] = [];
  for (const cr of candidates) {
    const ref = getControllerOf(cr);
    if (ref) {
      if (ref.uid === parent.metadata.uid) owned.push(cr);
      continue;
    }
    if (parent.metadata.deletionTimestamp || !selector.matches(cr.metadata.labels ?? {})) continue;
    try {
      const adopted = await client.patch(resources.controllerrevisions, cr.metadata.name ?? '', {
        metadata: { ownerReferences: [...(cr.metadata.ownerReferences ?? []), newControllerRef(parent, gvk)], resourceVersion: cr.metadata.resourceVersion },
      }, { type: 'merge', namespace: cr.metadata.namespace ?? 'default' });
      owned.push(adopted);
    } catch (err) {
      if (!isNotFound(err) && !isAlreadyExists(err)) throw err;
    }
  }
  return owned;
}

/**
 * Save `cr`; on a name collision with different data, bump the collision count and try the
 * next name. Returns the stored revision and the collision count used.
 */
export async function createControllerRevision(
  client: Client,
  parent: RevisionParent,
  gvk: { apiVersion: string; kind: string },
  data: unknown,
  revision: number,
  collisionCount: number,
): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  for (let count = collisionCount; ; count++) {
    const cr = newControllerRevision(parent, gvk, data, revision, count);
    const namespace = cr.metadata.namespace ?? 'default';
    try {
      return { revision: await client.create(resources.controllerrevisions, cr, { namespace }), collisionCount: count };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await client.get(resources.controllerrevisions, cr.metadata.name ?? '', { namespace });
      if (equalRevision(existing, cr) && getControllerOf(existing)?.uid === parent.metadata.uid) return { revision: existing, collisionCount: count };
    }
    if (count - collisionCount > 100) throw new Error(`too many ControllerRevision name collisions for ${parent.metadata.name}`);
  }
}

/** give an existing revision a new number (a rollback to it makes it the newest) */
export async function updateRevisionNumber(client: Client, cr: ControllerRevision, revision: number): Promise<ControllerRevision> {
  if (cr.revision === revision) return cr;
  return client.patch(resources.controllerrevisions, cr.metadata.name ?? '', { revision }, { type: 'merge', namespace: cr.metadata.namespace ?? 'default' });
}

/** delete the oldest revisions not in `live` until at most `limit` non-live ones remain */
export async function truncateHistory(client: Client, revisions: readonly ControllerRevision[], live: ReadonlySet<string>, limit: number): Promise<void> {
  const old = sortRevisions(revisions).filter((r) => !live.has(r.metadata.name ?? ''));
  const excess = old.length - Math.max(0, limit);
  for (const cr of old.slice(0, Math.max(0, excess))) {
    try {
      await client.delete(resources.controllerrevisions, cr.metadata.name ?? '', { namespace: cr.metadata.namespace ?? 'default' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/**
 * The revision for `parent`'s current template: an existing equal one (renumbered to
 * the newest if it was an old one, as after `kubectl rollout undo`) or a new one numbered
 * max+1. Returns it, every owned revision (with it), and the collision count used.
 */
export async function ensureCurrentRevision(
  client: Client,
  parent: RevisionParent,
  gvk: { apiVersion: string; kind: string },
  owned: readonly ControllerRevision[],
  collisionCount: number,
): Promise<{ current: ControllerRevision; revisions: ControllerRevision[]; collisionCount: number }> {
  const data = templatePatch(parent.spec.template);
  const probe = newControllerRevision(parent, gvk, data, 0, collisionCount);
  const sorted = sortRevisions(owned);
  const equal = sorted.filter((r) => equalRevision(r, probe));
  const latest = sorted[sorted.length - 1];
  if (equal.length) {
    const match = equal[equal.length - 1]!;
    if (latest && match.metadata.name === latest.metadata.name) return { current: match, revisions: sorted, collisionCount };
    const renumbered = await updateRevisionNumber(client, match, nextRevisionNumber(sorted));
    return { current: renumbered, revisions: sorted.map((r) => (r.metadata.name === renumbered.metadata.name ? renumbered : r)), collisionCount };
  }
  const made = await createControllerRevision(client, parent, gvk, data, nextRevisionNumber(sorted), collisionCount);
  return { current: made.revision, revisions: [...sorted, made.revision], collisionCount: made.collisionCount };
}
