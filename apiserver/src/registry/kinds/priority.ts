// The Priority admission plugin and the built-in PriorityClasses.
// - pod create: spec.priorityClassName names a PriorityClass whose value becomes
//   spec.priority (and whose preemptionPolicy becomes spec.preemptionPolicy); a pod without
//   a class gets the globalDefault class (the lowest-valued one if several), else priority
//   0. A missing class is a 403, and so is a priority the client set that differs from the
//   class's value. Pod updates keep what admission set (validation forbids changing it).
// - PriorityClass create/update: at most one class may be globalDefault.
// - system-node-critical and system-cluster-critical exist from the first start
//   (Kubernetes' apiserver bootstrap makes them); pods naming them work even if deleted.
import { forbidden, resources, SYSTEM_PRIORITY_CLASSES } from '@kubesim/shared';
import type { KubeObject, PriorityClass } from '@kubesim/shared';
import type { RegistryCore } from '../core.ts';
import { cachedObjects, podForbidden } from './admission-reads.ts';

interface PodPriorityFields {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: string;
}

interface ResolvedClass {
  name: string;
  value: number;
  preemptionPolicy?: string;
}

const SYSTEM_DESCRIPTIONS: Record<string, string> = {
  'system-node-critical': 'For pods a node cannot do without; they are never moved off their node.',
  'system-cluster-critical': 'For pods the cluster cannot do without; they may be moved to another node.',
};

const storedClasses = (core: RegistryCore): Iterable<PriorityClass> => cachedObjects(core, resources.priorityclasses);

function resolved(pc: PriorityClass): ResolvedClass {
  const r: ResolvedClass = { name: pc.metadata.name ?? '', value: pc.value ?? 0 };
  if (pc.preemptionPolicy) r.preemptionPolicy = pc.preemptionPolicy;
  return r;
}

async function lookupClass(core: RegistryCore, name: string): Promise<ResolvedClass | undefined> {
  const stored = await core.readCurrent(core.info(resources.priorityclasses), undefined, name);
  if (stored) return resolved(stored.obj as PriorityClass);
  const builtin = SYSTEM_PRIORITY_CLASSES[name];
  return builtin === undefined ? undefined : { name, value: builtin, preemptionPolicy: 'PreemptLowerPriority' };
}

function globalDefault(core: RegistryCore): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const pc of storedClasses(core)) if (pc.globalDefault && (!best || (pc.value ?? 0) < (best.value ?? 0))) best = pc;
  return best;
}

/**
 * Admit a pod being created. `given` is what the client sent in spec.priority and
 * spec.preemptionPolicy (before defaulting filled them); `name` is the pod's name, or its
 * generateName while the name is still to be generated, as Kubernetes words the errors.
 */
export async function admitPodPriority(core: RegistryCore, pod: KubeObject, given: { priority?: number; preemptionPolicy?: string }, name: string): Promise<void> {
  const spec = ((pod as KubeObject & { spec?: PodPriorityFields }).spec ??= {});
  let cls: ResolvedClass | undefined;
  if (spec.priorityClassName) {
    cls = await lookupClass(core, spec.priorityClassName);
    if (!cls) throw podForbidden(name, `no PriorityClass with name ${spec.priorityClassName} was found`);
  } else {
    const def = globalDefault(core);
    if (def) {
      cls = resolved(def);
      spec.priorityClassName = cls.name;
    }
  }
  const priority = cls?.value ?? 0;
  if (given.priority !== undefined && given.priority !== priority) {
    throw podForbidden(name, `the integer value of priority (${given.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  spec.priority = priority;
  if (cls?.preemptionPolicy) {
    if (given.preemptionPolicy !== undefined && given.preemptionPolicy !== cls.preemptionPolicy) {
      throw podForbidden(name, `the string value of PreemptionPolicy (${given.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${cls.preemptionPolicy} from the given PriorityClass name`);
    }
    spec.preemptionPolicy = cls.preemptionPolicy;
  }
}

/** PriorityClass admission: a second globalDefault class is refused */
export function admitPriorityClass(core: RegistryCore, pc: PriorityClass): void {
  if (!pc.globalDefault) return;
  const existing = globalDefault(core);
  if (existing && existing.metadata.name !== pc.metadata.name) {
    const name = pc.metadata.name ?? '';
    const err = forbidden(`priorityclasses.scheduling.k8s.io "${name}" is forbidden: PriorityClass ${existing.metadata.name ?? ''} is already marked as default. Only one default can exist`);
    err.status.details = { name, group: 'scheduling.k8s.io', kind: 'priorityclasses' };
    throw err;
  }
}

/** the built-in classes, as they would be created (bootstrap) */
export function systemPriorityClasses(): PriorityClass[] {
  return Object.entries(SYSTEM_PRIORITY_CLASSES).map(([name, value]) => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value,
    globalDefault: false,
    description: SYSTEM_DESCRIPTIONS[name] ?? '',
    preemptionPolicy: 'PreemptLowerPriority',
  }));
}

