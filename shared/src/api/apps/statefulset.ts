// StatefulSet (apps/v1): pods with stable names (<name>-0, -1, ...) and per-pod claims.
// Defaults: replicas 1, podManagementPolicy OrderedReady, updateStrategy RollingUpdate with
// partition 0, revisionHistoryLimit 10, claim retention Retain/Retain. After creation only
// replicas, ordinals, template, updateStrategy, retention policy, minReadySeconds and
// revisionHistoryLimit may change. Status writes: workload-status.ts.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ConditionSchema } from '../common/conditions.ts';
import { defineKind } from '../common/define.ts';
import { IntOrStringSchema } from '../common/intorstring.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { int, obj, opt, str, typeMetaShape } from '../common/schema.ts';
import { LabelSelectorSchema } from '../common/selector.ts';
import { PersistentVolumeClaimSchema, setPVCSpecDefaults, validatePVCSpec } from '../core/persistentvolumeclaim.ts';
import { PodTemplateSpecSchema, setPodTemplateDefaults, validatePodTemplate, validateSelectorAndTemplate } from '../core/pod-template.ts';
import { resources } from '../resources.ts';
import { at, deepEqual, fieldDuplicate, fieldForbidden, fieldInvalid, validateEnum, validateNonnegative } from '../validation/field.ts';
import { isDNS1123Label } from '../validation/names.ts';
import { validateCounts, validatePositiveIntOrPercent, validateSelectorSyntax } from './workload.ts';
import { validateStatefulSetStatusUpdate } from './workload-status.ts';

export const StatefulSetSpecSchema = obj({
  replicas: opt(int(), 'Number of desired pods (default 1).'),
  selector: LabelSelectorSchema.describe('Label query over the pods; must match the template labels; immutable.'),
  template: PodTemplateSpecSchema.describe('The pods to create; each gets a stable identity <name>-<ordinal>.'),
  volumeClaimTemplates: opt(z.array(PersistentVolumeClaimSchema), 'Claims created for every pod (<claim>-<pod>), mounted by name.'),
  serviceName: opt(str(), 'The headless service giving the pods their DNS names.'),
  podManagementPolicy: opt(str(), 'OrderedReady (default: one at a time, in order) or Parallel.'),
  updateStrategy: opt(
    obj({
      type: opt(str(), 'RollingUpdate (default) or OnDelete.'),
      rollingUpdate: opt(
        obj({
          partition: opt(int(), 'Only pods with an ordinal >= partition are updated (default 0).'),
          maxUnavailable: opt(IntOrStringSchema, 'Pods that may be unavailable during the update.'),
        }),
      ),
    }),
    'How pods are replaced when the template changes.',
  ),
  revisionHistoryLimit: opt(int(), 'How many ControllerRevisions to keep (default 10).'),
  minReadySeconds: opt(int(), 'Seconds a new pod must be ready to count as available.'),
  persistentVolumeClaimRetentionPolicy: opt(
    obj({ whenDeleted: opt(str(), 'Retain (default) or Delete.'), whenScaled: opt(str(), 'Retain (default) or Delete.') }),
    'What happens to claims when the set is deleted or scaled down.',
  ),
  ordinals: opt(obj({ start: opt(int(), 'The first ordinal (default 0).') }), 'The numbering of the pods.'),
});

export const StatefulSetSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: StatefulSetSpecSchema.describe('The desired identities of pods in this set.'),
  status: opt(
    obj({
      observedGeneration: opt(int()),
      replicas: int().describe('Pods created by the controller.'),
      readyReplicas: opt(int()),
      currentReplicas: opt(int(), 'Pods at currentRevision.'),
      updatedReplicas: opt(int(), 'Pods at updateRevision.'),
      availableReplicas: opt(int()),
      currentRevision: opt(str()),
      updateRevision: opt(str()),
      collisionCount: opt(int()),
      conditions: opt(z.array(ConditionSchema)),
    }),
    'The current status of the set.',
  ),
});
export type StatefulSet = z.infer<typeof StatefulSetSchema>;

export function setStatefulSetDefaults(s: StatefulSet): void {
  const spec = s.spec;
  spec.podManagementPolicy ??= 'OrderedReady';
  const us = (spec.updateStrategy ??= {});
  if (us.type === undefined) {
    us.type = 'RollingUpdate';
    us.rollingUpdate ??= {};
  }
  if (us.type === 'RollingUpdate' && us.rollingUpdate) us.rollingUpdate.partition ??= 0;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ??= 'Retain';
  retention.whenScaled ??= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  setPodTemplateDefaults(spec.template);
  for (const c of spec.volumeClaimTemplates ?? []) {
    setPVCSpecDefaults(c.spec);
    (c.status ??= {}).phase ??= 'Pending';
  }
}

/**
 * The template as its pods will have it: each claim template is a volume of the same name
 * (the controller mounts `<claim>-<pod>` there), so containers may mount it. Kubernetes
 * skips the template's pod spec checks altogether here for want of this (a TODO in
 * ValidatePodTemplateSpecForStatefulSet); kubesim keeps them and counts the claims.
 */
function withClaimVolumes(spec: StatefulSet['spec']): StatefulSet['spec']['template'] {
  const template = spec.template;
  const volumes = template?.spec?.volumes ?? [];
  const claims = (spec.volumeClaimTemplates ?? []).map((c) => c.metadata.name ?? '').filter((name) => !volumes.some((v) => v.name === name));
  if (!template?.spec || claims.length === 0) return template;
  const claimVolumes = claims.map((name) => ({ name, persistentVolumeClaim: { claimName: name } }) as (typeof volumes)[number]);
  return { ...template, spec: { ...template.spec, volumes: [...volumes, ...claimVolumes] } };
}

function validateStatefulSet(s: StatefulSet): StatusCause[] {
  const spec = s.spec;
  const causes = validateCounts(spec, ['replicas', 'minReadySeconds', 'revisionHistoryLimit'], 'spec');
  causes.push(...validateEnum(spec.podManagementPolicy, ['OrderedReady', 'Parallel'], 'spec.podManagementPolicy'));
  const us = spec.updateStrategy;
  causes.push(...validateEnum(us?.type, ['OnDelete', 'RollingUpdate'], 'spec.updateStrategy.type'));
  if (us?.type === 'OnDelete' && us.rollingUpdate) {
    causes.push(fieldInvalid('spec.updateStrategy.rollingUpdate', us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
  }
  causes.push(...validateNonnegative(us?.rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition'));
  causes.push(...validatePositiveIntOrPercent(us?.rollingUpdate?.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
  const retention = spec.persistentVolumeClaimRetentionPolicy;
  causes.push(...validateEnum(retention?.whenDeleted, ['Retain', 'Delete'], 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted'));
  causes.push(...validateEnum(retention?.whenScaled, ['Retain', 'Delete'], 'spec.persistentVolumeClaimRetentionPolicy.whenScaled'));
  causes.push(...validateNonnegative(spec.ordinals?.start, 'spec.ordinals.start'));
  if (spec.serviceName) for (const m of isDNS1123Label(spec.serviceName)) causes.push(fieldInvalid('spec.serviceName', spec.serviceName, m));
  causes.push(...validateSelectorSyntax(spec.selector, 'spec.selector'));
  causes.push(...validateSelectorAndTemplate(spec.selector, spec.template, 'statefulset'));
  causes.push(...validatePodTemplate(withClaimVolumes(spec), 'spec.template', { restartPolicies: ['Always'], forbidActiveDeadline: 'StatefulSet' }));
  const claimNames = new Set<string>();
  (spec.volumeClaimTemplates ?? []).forEach((c, i) => {
    const p = at('spec.volumeClaimTemplates', i);
    const name = c.metadata.name ?? '';
    if (claimNames.has(name)) causes.push(fieldDuplicate(at(p, 'metadata', 'name'), name));
    claimNames.add(name);
    causes.push(...validatePVCSpec(c.spec, at(p, 'spec')));
  });
  return causes;
}

const MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', 'revisionHistoryLimit'] as const;

function validateStatefulSetUpdate(s: StatefulSet, old: StatefulSet): StatusCause[] {
  const strip = (spec: StatefulSet['spec']): Record<string, unknown> => {
    const copy: Record<string, unknown> = { ...spec };
    for (const f of MUTABLE) delete copy[f];
    return copy;
  };
  return deepEqual(strip(s.spec), strip(old.spec))
    ? []
    : [fieldForbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
}

export const statefulSetKind = defineKind<StatefulSet>({
  type: resources.statefulsets,
  schema: StatefulSetSchema,
  defaults: setStatefulSetDefaults,
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  validateStatusUpdate: validateStatefulSetStatusUpdate,
});
