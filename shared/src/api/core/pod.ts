// Pod (core/v1): schema, SetDefaults_Pod (spec defaults, requests from limits,
// enableServiceLinks, priority 0 without a class), validation and update rules (the spec is
// immutable except images, activeDeadlineSeconds, added tolerations, removed scheduling
// gates), status-write rules (pod-status-validation.ts), field selectors, and
// `addDefaultTolerations` (the DefaultTolerationSeconds admission plugin, which the apiserver
// calls on create).

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { obj, opt, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { deepEqual, fieldForbidden, fieldInvalid } from '../validation/field.ts';
import type { Toleration } from './affinity.ts';
import { setRequestsFromLimits } from './container.ts';
import { PodSpecSchema, setPodSpecDefaults, validatePodSpec, type PodSpec } from './pod-spec.ts';
import { PodStatusSchema } from './pod-status.ts';
import { validatePodPhase, validatePodStatusUpdate } from './pod-status-validation.ts';

export const PodSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(PodSpecSchema, 'The desired behavior of the pod.'),
  status: opt(PodStatusSchema, 'The most recently observed status of the pod.'),
});
export type Pod = z.infer<typeof PodSchema>;

/** SetDefaults_Pod plus the pod-only parts of admission kubesim folds into defaulting */
export function setPodDefaults(pod: Pod): void {
  if (!pod.spec) return;
  const spec = pod.spec;
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) setRequestsFromLimits(c);
  setPodSpecDefaults(spec);
  spec.enableServiceLinks ??= true;
  if (!spec.priorityClassName) {
    // the Priority admission plugin: no class (and no global default) means priority 0
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
  }
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

/** DefaultTolerationSeconds: tolerate not-ready/unreachable NoExecute taints for 300 s unless the pod says otherwise */
export function addDefaultTolerations(pod: Pod, seconds = 300): void {
  if (!pod.spec) return;
  const tolerations = (pod.spec.tolerations ??= []);
  for (const key of DEFAULT_TOLERATION_KEYS) {
    if (!toleratesNoExecute(tolerations, key)) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
  }
}

const DEFAULT_TOLERATION_KEYS = [NOT_READY, UNREACHABLE] as const;

/** some toleration covers a NoExecute taint with this key (runs on every pod create) */
function toleratesNoExecute(tolerations: readonly Toleration[], key: string): boolean {
  for (const t of tolerations) {
    if ((t.key === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoExecute')) return true;
  }
  return false;
}

const UPDATE_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') &&
    (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

/** old tolerations must all remain (tolerationSeconds may only shrink); new ones may be added */
function validateTolerationsUpdate(next: Toleration[], prev: Toleration[]): StatusCause[] {
  for (const old of prev) {
    const match = next.find((t) => sameToleration(t, old));
    const ok = match && (old.tolerationSeconds === undefined
      ? match.tolerationSeconds === undefined
      : match.tolerationSeconds !== undefined && match.tolerationSeconds <= old.tolerationSeconds);
    if (!ok) return [fieldForbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

/** the paths where two values differ (for the forbidden-update message) */
function diffPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (deepEqual(a, b) || out.length >= 5) return;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
      diffPaths(ra[k], rb[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`, out);
    }
    return;
  }
  out.push(path);
}

export function validatePodUpdate(pod: Pod, old: Pod): StatusCause[] {
  const causes: StatusCause[] = [];
  const next = pod.spec;
  const prev = old.spec;
  if (!next || !prev) return deepEqual(next, prev) ? [] : [fieldForbidden('spec', UPDATE_MESSAGE)];
  if (prev.activeDeadlineSeconds !== undefined) {
    if (next.activeDeadlineSeconds === undefined) {
      causes.push(fieldInvalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
    } else if (next.activeDeadlineSeconds > prev.activeDeadlineSeconds) {
      causes.push(fieldInvalid('spec.activeDeadlineSeconds', next.activeDeadlineSeconds, 'must be less than or equal to previous value'));
    }
  }
  causes.push(...validateTolerationsUpdate(next.tolerations ?? [], prev.tolerations ?? []));
  const prevGates = new Set((prev.schedulingGates ?? []).map((g) => g.name));
  for (const g of next.schedulingGates ?? []) {
    if (!prevGates.has(g.name)) causes.push(fieldForbidden('spec.schedulingGates', `only deletion is allowed, but found new scheduling gate '${g.name}'`));
  }
  // compare everything else: copy the mutable fields from the new spec onto (a shallow copy
  // of) the old one; only its own members are replaced, nothing below them is changed
  const mutable: PodSpec = { ...prev };
  mutable.containers = prev.containers.map((c, i) => ({ ...c, image: next.containers[i]?.image ?? c.image } as typeof c));
  if (prev.initContainers) {
    mutable.initContainers = prev.initContainers.map((c, i) => ({ ...c, image: next.initContainers?.[i]?.image ?? c.image } as typeof c));
  }
  for (const f of ['activeDeadlineSeconds', 'tolerations', 'schedulingGates', 'ephemeralContainers'] as const) {
    if (next[f] === undefined) delete mutable[f];
    else (mutable as Record<string, unknown>)[f] = next[f];
  }
  if ((prev.terminationGracePeriodSeconds ?? 0) < 0 && next.terminationGracePeriodSeconds === 1) mutable.terminationGracePeriodSeconds = 1;
  const images = (cs: PodSpec['containers'] | undefined): number => cs?.length ?? 0;
  if (images(next.containers) !== images(prev.containers) || !deepEqual(next, mutable)) {
    const paths: string[] = [];
    diffPaths(next, mutable, 'spec', paths);
    causes.push(fieldForbidden('spec', `${UPDATE_MESSAGE}\n  changed: ${paths.join(', ')}`));
  }
  return causes;
}

function validatePod(pod: Pod): StatusCause[] {
  if (!pod.spec) return [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }];
  const causes = validatePodSpec(pod.spec, 'spec');
  causes.push(...validatePodPhase(pod));
  return causes;
}

export const podKind = defineKind<Pod>({
  type: resources.pods,
  schema: PodSchema,
  defaults: setPodDefaults,
  validate: validatePod,
  validateUpdate: validatePodUpdate,
  validateStatusUpdate: validatePodStatusUpdate,
  fields: (pod) => ({
    'spec.nodeName': pod.spec?.nodeName ?? '',
    'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
    'spec.schedulerName': pod.spec?.schedulerName ?? '',
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': String(pod.spec?.hostNetwork ?? false),
    'status.phase': pod.status?.phase ?? '',
    'status.podIP': pod.status?.podIP ?? '',
    'status.nominatedNodeName': pod.status?.nominatedNodeName ?? '',
  }),
});
