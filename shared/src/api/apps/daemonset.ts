// DaemonSet (apps/v1): one pod per eligible node. Defaults: updateStrategy RollingUpdate
// with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10. Validation: selector
// matches template labels and is immutable, restartPolicy Always, exactly one of
// maxUnavailable / maxSurge non-zero; status writes: workload-status.ts.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ConditionSchema } from '../common/conditions.ts';
import { defineKind } from '../common/define.ts';
import { IntOrStringSchema } from '../common/intorstring.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { int, obj, opt, str, typeMetaShape } from '../common/schema.ts';
import { LabelSelectorSchema } from '../common/selector.ts';
import { PodTemplateSpecSchema, setPodTemplateDefaults, validatePodTemplate, validateSelectorAndTemplate } from '../core/pod-template.ts';
import { resources } from '../resources.ts';
import { fieldInvalid, fieldRequired, validateEnum } from '../validation/field.ts';
import {
  intOrPercentValue,
  isNotMoreThan100Percent,
  validateCounts,
  validatePositiveIntOrPercent,
  validateSelectorImmutable,
  validateSelectorSyntax,
} from './workload.ts';
import { validateDaemonSetStatusUpdate } from './workload-status.ts';

export const DaemonSetSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: obj({
    selector: LabelSelectorSchema.describe('Label query over the pods; must match the template labels; immutable.'),
    template: PodTemplateSpecSchema.describe('The pod to run on every eligible node.'),
    updateStrategy: opt(
      obj({
        type: opt(str(), 'RollingUpdate (default) or OnDelete.'),
        rollingUpdate: opt(
          obj({
            maxUnavailable: opt(IntOrStringSchema, 'Nodes whose pod may be unavailable during the update (default 1).'),
            maxSurge: opt(IntOrStringSchema, 'Nodes that may run an extra, updated pod during the update (default 0).'),
          }),
        ),
      }),
      'How pods are replaced when the template changes.',
    ),
    minReadySeconds: opt(int(), 'Seconds a new pod must be ready to count as available.'),
    revisionHistoryLimit: opt(int(), 'How many ControllerRevisions to keep (default 10).'),
  }).describe('The desired behavior of the daemon set.'),
  status: opt(
    obj({
      currentNumberScheduled: int().describe('Nodes running at least one daemon pod that should.'),
      numberMisscheduled: int().describe('Nodes running a daemon pod that should not.'),
      desiredNumberScheduled: int().describe('Nodes that should run the daemon pod.'),
      numberReady: int().describe('Nodes whose daemon pod is ready.'),
      observedGeneration: opt(int()),
      updatedNumberScheduled: opt(int()),
      numberAvailable: opt(int()),
      numberUnavailable: opt(int()),
      collisionCount: opt(int()),
      conditions: opt(z.array(ConditionSchema)),
    }),
    'The current status of the daemon set.',
  ),
});
export type DaemonSet = z.infer<typeof DaemonSetSchema>;

export function setDaemonSetDefaults(ds: DaemonSet): void {
  const spec = ds.spec;
  const us = (spec.updateStrategy ??= {});
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  setPodTemplateDefaults(spec.template);
}

function validateDaemonSet(ds: DaemonSet): StatusCause[] {
  const spec = ds.spec;
  const causes = validateCounts(spec, ['minReadySeconds', 'revisionHistoryLimit'], 'spec');
  causes.push(...validateSelectorSyntax(spec.selector, 'spec.selector'));
  causes.push(...validateSelectorAndTemplate(spec.selector, spec.template, 'daemonset'));
  causes.push(...validatePodTemplate(spec.template, 'spec.template', { restartPolicies: ['Always'], forbidActiveDeadline: 'DaemonSet' }));
  const us = spec.updateStrategy;
  causes.push(...validateEnum(us?.type, ['OnDelete', 'RollingUpdate'], 'spec.updateStrategy.type'));
  const ru = us?.type === 'RollingUpdate' ? us.rollingUpdate : undefined;
  if (ru) {
    const p = 'spec.updateStrategy.rollingUpdate';
    causes.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
    causes.push(...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
    causes.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
    causes.push(...isNotMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`));
    const unavailable = (intOrPercentValue(ru.maxUnavailable) ?? 0) !== 0;
    const surge = (intOrPercentValue(ru.maxSurge) ?? 0) !== 0;
    if (unavailable && surge) causes.push(fieldInvalid(`${p}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
    if (!unavailable && !surge) causes.push(fieldRequired(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
  }
  return causes;
}

export const daemonSetKind = defineKind<DaemonSet>({
  type: resources.daemonsets,
  schema: DaemonSetSchema,
  defaults: setDaemonSetDefaults,
  validate: validateDaemonSet,
  validateUpdate: (ds, old) => validateSelectorImmutable(ds.spec.selector, old.spec.selector),
  validateStatusUpdate: validateDaemonSetStatusUpdate,
});
