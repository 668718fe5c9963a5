// LabelSelector (matchLabels + matchExpressions) as workloads, services' pods, PDBs and
// affinity terms use it: schema, validation with Kubernetes' messages, and a matcher for
// the "selector must match template labels" rule. An empty selector matches everything;
// an absent one matches nothing (callers decide which applies).

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { at, fieldInvalid, fieldNotSupported, fieldRequired, fieldForbidden, type FieldPath } from '../validation/field.ts';
import { isQualifiedName, isValidLabelValue } from '../validation/names.ts';
import { obj, opt, str, strList, strMap } from './schema.ts';

export const LabelSelectorRequirementSchema = obj({
  key: str().describe('The label key the requirement applies to.'),
  operator: str().describe('How the key relates to the values: In, NotIn, Exists or DoesNotExist.'),
  values: opt(strList(), 'The values for In and NotIn (non-empty); must be empty for Exists and DoesNotExist.'),
});
export type LabelSelectorRequirement = z.infer<typeof LabelSelectorRequirementSchema>;

export const LabelSelectorSchema = obj({
  matchLabels: opt(strMap(), 'Labels that must all be present with exactly these values.'),
  matchExpressions: opt(z.array(LabelSelectorRequirementSchema), 'Requirements that must all hold; ANDed with matchLabels.'),
});
export type LabelSelector = z.infer<typeof LabelSelectorSchema>;

const SELECTOR_OPS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** label keys must be qualified names and values valid label values */
export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const m of isQualifiedName(k)) causes.push(fieldInvalid(path, k, m));
    for (const m of isValidLabelValue(v)) causes.push(fieldInvalid(path, v, m));
  }
  return causes;
}

export function validateLabelSelector(sel: LabelSelector | undefined, path: FieldPath): StatusCause[] {
  if (!sel) return [];
  const causes = validateLabels(sel.matchLabels, at(path, 'matchLabels'));
  (sel.matchExpressions ?? []).forEach((req, i) => {
    const p = at(path, 'matchExpressions', i);
    const values = req.values ?? [];
    if (!SELECTOR_OPS.includes(req.operator)) {
      causes.push(fieldNotSupported(at(p, 'operator'), req.operator, SELECTOR_OPS));
    } else if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) {
      causes.push(fieldRequired(at(p, 'values'), 'must be specified when `operator` is \'In\' or \'NotIn\''));
    } else if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) {
      causes.push(fieldForbidden(at(p, 'values'), 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\''));
    }
    for (const m of isQualifiedName(req.key)) causes.push(fieldInvalid(at(p, 'key'), req.key, m));
    values.forEach((v, j) => {
      for (const m of isValidLabelValue(v)) causes.push(fieldInvalid(at(p, 'values', j), v, m));
    });
  });
  return causes;
}

/** true when the selector has neither matchLabels nor matchExpressions */
export function isEmptySelector(sel: LabelSelector | undefined): boolean {
  return !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
}

/** whether `labels` satisfy `sel` (an empty selector matches everything) */
export function selectorMatches(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const req of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(l, req.key);
    const val = l[req.key];
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || val === undefined || !values.includes(val)) return false;
        break;
      case 'NotIn':
        if (has && val !== undefined && values.includes(val)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
