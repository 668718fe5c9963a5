// A resource's strategy, as Kubernetes' generic registry calls it: what the registry
// does around storage for one kind. Generic behaviour comes from the kind's
// KindDefinition (defaults, validation, selectable fields); the few kinds with extra
// rules (pods, services, namespaces, events) add hooks in ./kinds/. Adding a kind is a
// line in `strategies` below (or nothing: every resource in the table gets the default).
import { definitionFor } from '@kubesim/shared';
import type { DeleteOptions, KindDefinition, KubeObject, ResourceType, StatusCause } from '@kubesim/shared';

/** what the hooks may use; supplied by the registry */
export interface HookContext {
  now: number;
  dryRun: boolean;
}

export interface Strategy {
  /** the resource has a status subresource: main-resource writes keep the old status */
  hasStatus: boolean;
  /** metadata.generation is kept (1 on create, +1 per spec change) */
  usesGeneration: boolean;
  /** a PUT of a missing object creates it (Kubernetes' AllowCreateOnUpdate) */
  allowCreateOnUpdate: boolean;
  /** objects expire after this many seconds (store lease), e.g. events */
  ttlSeconds?: number;
  /** PrepareForCreate: reset what clients may not set (usually status) */
  prepareForCreate?(obj: KubeObject): void;
  /** PrepareForUpdate of the main resource (not a subresource), after the old status was kept */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** extra checks Kubernetes makes beyond the KindDefinition */
  validate?(obj: KubeObject): StatusCause[];
  /** "free leaves", as [parent, field] under the top level: string fields (in the schema)
   *  that no defaulting reads or sets and no validation rule reads, so that an update
   *  changing only them may skip defaulting, validation and most of the managedFields
   *  bookkeeping (free-leaf-update.ts). Listing a field here is a claim about the kind's
   *  code: check it against the kind's defaults and validation. */
  freeLeaves?: ReadonlyArray<readonly [string, string]>;
  /** grace period for a delete: > 0 means graceful (pods); undefined means immediate */
  gracePeriod?(obj: KubeObject, opts: DeleteOptions): number | undefined;
  /** a DELETE that removed the object answers with the object, not a Status (Kubernetes'
   *  ReturnDeletedObject, set by the storage of pods, services, namespaces and a few more) */
  returnDeletedObject: boolean;
}

const defaults: Strategy = { hasStatus: false, usesGeneration: false, allowCreateOnUpdate: false, returnDeletedObject: false };

const resetStatus = (status: Record<string, unknown>) => (obj: KubeObject): void => {
  (obj as KubeObject & { status?: unknown }).status = structuredClone(status);
};

/** per-resource overrides, keyed `<group>/<resource>` */
const strategies: Record<string, Partial<Strategy>> = {
  '/pods': { returnDeletedObject: true },
  '/namespaces': { returnDeletedObject: true },
  '/serviceaccounts': { returnDeletedObject: true },
  '/nodes': { hasStatus: true },
  '/services': { hasStatus: true, allowCreateOnUpdate: true, prepareForCreate: resetStatus({}), returnDeletedObject: true },
  '/persistentvolumes': { hasStatus: true, prepareForCreate: resetStatus({ phase: 'Pending' }), returnDeletedObject: true },
  '/persistentvolumeclaims': { hasStatus: true, prepareForCreate: resetStatus({ phase: 'Pending' }), returnDeletedObject: true },
  'storage.k8s.io/storageclasses': { returnDeletedObject: true },
  '/endpoints': { allowCreateOnUpdate: true },
  '/events': { allowCreateOnUpdate: true, ttlSeconds: 3600 },
  'events.k8s.io/events': { allowCreateOnUpdate: true, ttlSeconds: 3600 },
  // (renewTime and acquireTime: MicroTime strings nothing in lease.ts defaults or checks)
  'coordination.k8s.io/leases': { allowCreateOnUpdate: true, freeLeaves: [['spec', 'renewTime'], ['spec', 'acquireTime']] },
  'apps/deployments': { hasStatus: true, usesGeneration: true, prepareForCreate: resetStatus({}) },
  'apps/replicasets': { hasStatus: true, usesGeneration: true, prepareForCreate: resetStatus({ replicas: 0 }) },
  'apps/statefulsets': { hasStatus: true, usesGeneration: true, prepareForCreate: resetStatus({ replicas: 0 }) },
  // DaemonSetStatus' four counts are required (no omitempty in Kubernetes): a new one starts at 0
  'apps/daemonsets': { hasStatus: true, usesGeneration: true, prepareForCreate: resetStatus({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }) },
  'batch/jobs': { hasStatus: true, usesGeneration: true, prepareForCreate: resetStatus({}) },
  'batch/cronjobs': { hasStatus: true, usesGeneration: true, prepareForCreate: resetStatus({}) },
  'policy/poddisruptionbudgets': { hasStatus: true, usesGeneration: true, prepareForCreate: resetStatus({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }) },
};

const extra = new Map<string, Partial<Strategy>>();

/** let a kind file (./kinds/*.ts) add hooks */
export function extendStrategy(group: string, resource: string, s: Partial<Strategy>): void {
  extra.set(`${group}/${resource}`, { ...(extra.get(`${group}/${resource}`) ?? {}), ...s });
}

export function strategyFor(type: ResourceType): Strategy {
  const key = `${type.group}/${type.resource}`;
  return { ...defaults, ...(strategies[key] ?? {}), ...(extra.get(key) ?? {}) };
}

/** the kind's definition from @kubesim/shared (undefined for a kind it does not define) */
export function definitionOf(type: ResourceType): KindDefinition | undefined {
  try {
    return definitionFor(type);
  } catch {
    return undefined;
  }
}
