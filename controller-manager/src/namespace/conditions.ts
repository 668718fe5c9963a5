// The conditions a Terminating namespace carries while the namespace controller empties it
// (Kubernetes: pkg/controller/namespace/deletion/status_condition_utils.go). Each of the five
// types is either "ok" (status False, a reason such as ContentRemoved) or failing (status
// True, with what is wrong), so `kubectl describe ns` says why a namespace is stuck:
//   NamespaceContentRemaining  True  SomeResourcesRemain  Some resources are remaining: pods. has 2 resource instances
// A condition keeps its lastTransitionTime while its status stays the same.

export type NamespaceCondition = {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
};

export const NAMESPACE_CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;
export type NamespaceConditionType = (typeof NAMESPACE_CONDITION_TYPES)[number];

const OK: Record<NamespaceConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** what one pass over the namespace's content found */
export interface ContentTotals {
  /** `resource.group` (core: `pods.`) → objects left */
  remaining: ReadonlyMap<string, number>;
  /** finalizer → objects left that carry it */
  finalizers: ReadonlyMap<string, number>;
  /** deletion errors, one per resource that failed */
  errors: readonly string[];
}

/** the failing conditions for these totals (types not listed are ok) */
export function failingConditions(totals: ContentTotals): Map<NamespaceConditionType, { reason: string; message: string }> {
  const out = new Map<NamespaceConditionType, { reason: string; message: string }>();
  if (totals.errors.length > 0) {
    out.set('NamespaceDeletionContentFailure', {
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, ${totals.errors.length} remaining: ${totals.errors.join(', ')}`,
    });
  }
  if (totals.remaining.size > 0) {
    const parts = [...totals.remaining].map(([resource, n]) => `${resource} has ${n} resource instances`).sort();
    out.set('NamespaceContentRemaining', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${parts.join(', ')}` });
  }
  if (totals.finalizers.size > 0) {
    const parts = [...totals.finalizers].map(([finalizer, n]) => `${finalizer} in ${n} resource instances`).sort();
    out.set('NamespaceFinalizersRemaining', { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${parts.join(', ')}` });
  }
  return out;
}

/** the namespace's conditions after a pass: ours in a fixed order, then anyone else's */
export function updateNamespaceConditions(current: readonly NamespaceCondition[] | undefined, totals: ContentTotals, now: string): NamespaceCondition[] {
  const failing = failingConditions(totals);
  const next: NamespaceCondition[] = [];
  for (const type of NAMESPACE_CONDITION_TYPES) {
    const bad = failing.get(type);
    const want = { type, status: bad ? 'True' : 'False', ...(bad ?? OK[type]) };
    const old = current?.find((c) => c.type === type);
    const lastTransitionTime = old && old.status === want.status && old.lastTransitionTime ? old.lastTransitionTime : now;
    next.push({ type, status: want.status, lastTransitionTime, reason: want.reason, message: want.message });
  }
  const ours = new Set<string>(NAMESPACE_CONDITION_TYPES);
  for (const c of current ?? []) if (!ours.has(c.type)) next.push(c);
  return next;
}
