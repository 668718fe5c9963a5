// Scheduling constraints of a pod: node selector terms, node/pod affinity and
// anti-affinity, tolerations and topology spread constraints. Schemas and validation with
// Kubernetes' messages; the scheduler's plugins interpret them.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { LabelSelectorSchema, validateLabelSelector } from '../common/selector.ts';
import { int, obj, opt, str, strList } from '../common/schema.ts';
import {
  at,
  fieldDuplicate,
  fieldForbidden,
  fieldInvalid,
  fieldNotSupported,
  fieldRequired,
  validateEnum,
  type FieldPath,
} from '../validation/field.ts';
import { isQualifiedName, isValidLabelValue } from '../validation/names.ts';

export const NodeSelectorRequirementSchema = obj({
  key: str().describe('The label key (or field name, in matchFields) the selector applies to.'),
  operator: str().describe('In, NotIn, Exists, DoesNotExist, Gt or Lt.'),
  values: opt(strList(), 'Values for In/NotIn (non-empty), one integer for Gt/Lt, none for Exists/DoesNotExist.'),
});

export const NodeSelectorTermSchema = obj({
  matchExpressions: opt(z.array(NodeSelectorRequirementSchema), 'Requirements on node labels.'),
  matchFields: opt(z.array(NodeSelectorRequirementSchema), 'Requirements on node fields (only metadata.name).'),
});
export type NodeSelectorTerm = z.infer<typeof NodeSelectorTermSchema>;

export const NodeSelectorSchema = obj({
  nodeSelectorTerms: z.array(NodeSelectorTermSchema).describe('Terms that are ORed; a node must match at least one.'),
});
export type NodeSelector = z.infer<typeof NodeSelectorSchema>;

export const PodAffinityTermSchema = obj({
  labelSelector: opt(LabelSelectorSchema, 'Which pods this term is about.'),
  namespaces: opt(strList(), 'Namespaces the selected pods are in (default: this pod\'s).'),
  namespaceSelector: opt(LabelSelectorSchema, 'Selects namespaces by label; {} means all namespaces.'),
  topologyKey: str().describe('Node label whose value defines the co-location domain, e.g. kubernetes.io/hostname.'),
  matchLabelKeys: opt(strList()),
  mismatchLabelKeys: opt(strList()),
});
export type PodAffinityTerm = z.infer<typeof PodAffinityTermSchema>;

const WeightedPodAffinityTermSchema = obj({
  weight: int().describe('Weight in the range 1-100.'),
  podAffinityTerm: PodAffinityTermSchema,
});

const podAffinityShape = {
  requiredDuringSchedulingIgnoredDuringExecution: opt(z.array(PodAffinityTermSchema), 'Terms that must all hold at scheduling time.'),
  preferredDuringSchedulingIgnoredDuringExecution: opt(z.array(WeightedPodAffinityTermSchema), 'Terms the scheduler prefers, by weight.'),
};

export const AffinitySchema = obj({
  nodeAffinity: opt(
    obj({
      requiredDuringSchedulingIgnoredDuringExecution: opt(NodeSelectorSchema, 'Nodes the pod may be scheduled to.'),
      preferredDuringSchedulingIgnoredDuringExecution: opt(
        z.array(obj({ weight: int().describe('Weight in the range 1-100.'), preference: NodeSelectorTermSchema })),
        'Nodes the scheduler prefers, by weight.',
      ),
    }),
    'Rules on the labels of the node the pod runs on.',
  ),
  podAffinity: opt(obj(podAffinityShape), 'Co-locate this pod with other pods.'),
  podAntiAffinity: opt(obj(podAffinityShape), 'Keep this pod away from other pods.'),
});
export type Affinity = z.infer<typeof AffinitySchema>;

export const TolerationSchema = obj({
  key: opt(str(), 'Taint key to tolerate; empty with operator Exists tolerates everything.'),
  operator: opt(str(), 'Exists or Equal (default Equal).'),
  value: opt(str(), 'Taint value to match with operator Equal.'),
  effect: opt(str(), 'Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all.'),
  tolerationSeconds: opt(int(), 'For NoExecute: how long the pod stays bound after the taint appears.'),
});
export type Toleration = z.infer<typeof TolerationSchema>;

export const TopologySpreadConstraintSchema = obj({
  maxSkew: int().describe('How unevenly matching pods may be spread across domains (> 0).'),
  topologyKey: str().describe('Node label whose values are the domains.'),
  whenUnsatisfiable: str().describe('DoNotSchedule or ScheduleAnyway.'),
  labelSelector: opt(LabelSelectorSchema, 'Which pods count for the spread.'),
  minDomains: opt(int(), 'Minimum number of eligible domains (with DoNotSchedule).'),
  nodeAffinityPolicy: opt(str(), 'Honor or Ignore the pod\'s node affinity when counting (default Honor).'),
  nodeTaintsPolicy: opt(str(), 'Honor or Ignore node taints when counting (default Ignore).'),
  matchLabelKeys: opt(strList(), 'Pod label keys whose values are added to the selector.'),
});
export type TopologySpreadConstraint = z.infer<typeof TopologySpreadConstraintSchema>;

const NODE_SELECTOR_OPS = ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'];
export const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

function validateNodeSelectorRequirement(r: z.infer<typeof NodeSelectorRequirementSchema>, path: FieldPath, field: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) causes.push(fieldRequired(at(path, 'values'), 'must be specified when `operator` is \'In\' or \'NotIn\''));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) causes.push(fieldForbidden(at(path, 'values'), 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) causes.push(fieldRequired(at(path, 'values'), 'must be specified single value when `operator` is \'Lt\' or \'Gt\''));
      break;
    default:
      causes.push(fieldNotSupported(at(path, 'operator'), r.operator, NODE_SELECTOR_OPS));
  }
  if (field) {
    if (r.key !== 'metadata.name') causes.push(fieldInvalid(at(path, 'key'), r.key, 'not a valid field selector key'));
  } else {
    for (const m of isQualifiedName(r.key)) causes.push(fieldInvalid(at(path, 'key'), r.key, m));
    if (r.operator === 'In' || r.operator === 'NotIn') {
      values.forEach((v, i) => isValidLabelValue(v).forEach((m) => causes.push(fieldInvalid(at(path, 'values', i), v, m))));
    }
  }
  return causes;
}

export function validateNodeSelectorTerm(t: NodeSelectorTerm, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  (t.matchExpressions ?? []).forEach((r, i) => causes.push(...validateNodeSelectorRequirement(r, at(path, 'matchExpressions', i), false)));
  (t.matchFields ?? []).forEach((r, i) => causes.push(...validateNodeSelectorRequirement(r, at(path, 'matchFields', i), true)));
  return causes;
}

export function validateNodeSelector(s: NodeSelector, path: FieldPath): StatusCause[] {
  if (s.nodeSelectorTerms.length === 0) return [fieldRequired(at(path, 'nodeSelectorTerms'), 'must have at least one node selector term')];
  return s.nodeSelectorTerms.flatMap((t, i) => validateNodeSelectorTerm(t, at(path, 'nodeSelectorTerms', i)));
}

function validateWeight(w: number, path: FieldPath): StatusCause[] {
  return w < 1 || w > 100 ? [fieldInvalid(path, w, 'must be in the range 1-100')] : [];
}

function validatePodAffinityTerm(t: PodAffinityTerm, path: FieldPath): StatusCause[] {
  const causes = validateLabelSelector(t.labelSelector, at(path, 'labelSelector'));
  causes.push(...validateLabelSelector(t.namespaceSelector, at(path, 'namespaceSelector')));
  if (!t.topologyKey) causes.push(fieldRequired(at(path, 'topologyKey'), 'can not be empty'));
  else for (const m of isQualifiedName(t.topologyKey)) causes.push(fieldInvalid(at(path, 'topologyKey'), t.topologyKey, m));
  return causes;
}

export function validateAffinity(a: Affinity | undefined, path: FieldPath): StatusCause[] {
  if (!a) return [];
  const causes: StatusCause[] = [];
  const na = a.nodeAffinity;
  if (na?.requiredDuringSchedulingIgnoredDuringExecution) {
    causes.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, at(path, 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution')));
  }
  (na?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p, i) => {
    const pp = at(path, 'nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution', i);
    causes.push(...validateWeight(p.weight, at(pp, 'weight')), ...validateNodeSelectorTerm(p.preference, at(pp, 'preference')));
  });
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = a[kind];
    (pa?.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      causes.push(...validatePodAffinityTerm(t, at(path, kind, 'requiredDuringSchedulingIgnoredDuringExecution', i)));
    });
    (pa?.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((w, i) => {
      const pp = at(path, kind, 'preferredDuringSchedulingIgnoredDuringExecution', i);
      causes.push(...validateWeight(w.weight, at(pp, 'weight')), ...validatePodAffinityTerm(w.podAffinityTerm, at(pp, 'podAffinityTerm')));
    });
  }
  return causes;
}

export function validateTolerations(tolerations: Toleration[] | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = at(path, i);
    if (t.key) for (const m of isQualifiedName(t.key)) causes.push(fieldInvalid(at(p, 'key'), t.key, m));
    if (!t.key && t.operator !== 'Exists') {
      causes.push(fieldInvalid(at(p, 'operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      causes.push(fieldInvalid(at(p, 'effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? 'Equal') {
      case 'Equal':
      case '':
        for (const m of isValidLabelValue(t.value ?? '')) causes.push(fieldInvalid(at(p, 'operator'), t.value ?? '', m));
        break;
      case 'Exists':
        if (t.value) causes.push(fieldInvalid(at(p, 'operator'), t, 'value must be empty when `operator` is \'Exists\''));
        break;
      default:
        causes.push(fieldNotSupported(at(p, 'operator'), t.operator, ['Equal', 'Exists']));
    }
    if (t.effect) causes.push(...validateEnum(t.effect, TAINT_EFFECTS, at(p, 'effect')));
  });
  return causes;
}

export function validateTopologySpreadConstraints(list: TopologySpreadConstraint[] | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  (list ?? []).forEach((c, i) => {
    const p = at(path, i);
    if (c.maxSkew <= 0) causes.push(fieldInvalid(at(p, 'maxSkew'), c.maxSkew, 'must be greater than zero'));
    if (!c.topologyKey) causes.push(fieldRequired(at(p, 'topologyKey'), 'can not be empty'));
    else for (const m of isQualifiedName(c.topologyKey)) causes.push(fieldInvalid(at(p, 'topologyKey'), c.topologyKey, m));
    causes.push(...validateEnum(c.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway'], at(p, 'whenUnsatisfiable')));
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0) causes.push(fieldInvalid(at(p, 'minDomains'), c.minDomains, 'must be greater than 0'));
      else if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        causes.push(fieldInvalid(at(p, 'minDomains'), c.minDomains, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway'));
      }
    }
    causes.push(...validateEnum(c.nodeAffinityPolicy, ['Honor', 'Ignore'], at(p, 'nodeAffinityPolicy')));
    causes.push(...validateEnum(c.nodeTaintsPolicy, ['Honor', 'Ignore'], at(p, 'nodeTaintsPolicy')));
    causes.push(...validateLabelSelector(c.labelSelector, at(p, 'labelSelector')));
    const pair = `${c.topologyKey}/${c.whenUnsatisfiable}`;
    if (seen.has(pair)) causes.push(fieldDuplicate(at(p, '{topologyKey, whenUnsatisfiable}'), pair));
    seen.add(pair);
  });
  return causes;
}
