// PodTemplateSpec: the pod a controller stamps out (Deployments, ReplicaSets, StatefulSets,
// DaemonSets, Jobs). Defaults are the pod spec's (not the pod-only ones); validation checks
// the template's labels and spec, with the controller's allowed restart policies, and
// forbids activeDeadlineSeconds in long-running controllers' templates.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ObjectMetaSchema, validateTemplateMeta } from '../common/object-meta.ts';
import { obj, opt } from '../common/schema.ts';
import { isEmptySelector, selectorMatches, type LabelSelector } from '../common/selector.ts';
import { at, fieldForbidden, fieldInvalid, fieldRequired, type FieldPath } from '../validation/field.ts';
import { PodSpecSchema, setPodSpecDefaults, validatePodSpec } from './pod-spec.ts';

export const PodTemplateSpecSchema = obj({
  metadata: opt(ObjectMetaSchema, 'Labels and annotations of the pods created from this template.'),
  spec: opt(PodSpecSchema, 'The spec of the pods created from this template.'),
});
export type PodTemplateSpec = z.infer<typeof PodTemplateSpecSchema>;

export function setPodTemplateDefaults(t: PodTemplateSpec | undefined): void {
  if (t?.spec) setPodSpecDefaults(t.spec);
}

export interface TemplateRules {
  restartPolicies: readonly string[];
  /** ReplicaSets, Deployments, StatefulSets and DaemonSets: pods must not have a deadline */
  forbidActiveDeadline?: string;
}

export function validatePodTemplate(t: PodTemplateSpec | undefined, path: FieldPath, rules: TemplateRules): StatusCause[] {
  if (!t) return [fieldRequired(path)];
  const causes = validateTemplateMeta(t.metadata, at(path, 'metadata'));
  if (!t.spec) return [...causes, fieldRequired(at(path, 'spec', 'containers'))];
  causes.push(...validatePodSpec(t.spec, at(path, 'spec'), { restartPolicies: rules.restartPolicies }));
  if (rules.forbidActiveDeadline && t.spec.activeDeadlineSeconds !== undefined) {
    causes.push(fieldForbidden(at(path, 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${rules.forbidActiveDeadline} is not Supported`));
  }
  return causes;
}

/** the selector is required, non-empty and must select the template's labels */
export function validateSelectorAndTemplate(
  selector: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  kind: string,
  path: FieldPath = 'spec',
): StatusCause[] {
  if (!selector) return [fieldRequired(at(path, 'selector'))];
  if (isEmptySelector(selector)) return [fieldInvalid(at(path, 'selector'), selector, `empty selector is invalid for ${kind}`)];
  const labels = template?.metadata?.labels ?? {};
  if (template && !selectorMatches(selector, labels)) {
    return [fieldInvalid(at(path, 'template', 'metadata', 'labels'), labels, '`selector` does not match template `labels`')];
  }
  return [];
}
