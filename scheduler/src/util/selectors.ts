// Label and node selectors compiled once into matcher functions, because the scheduler
// tests the same selector against hundreds of nodes or pods per cycle.
//   compileLabelSelector(sel)(labels)  — metav1.LabelSelector via @kubesim/shared: absent
//     selector matches nothing, `{}` matches everything; In / NotIn / Exists / DoesNotExist.
//   compileNodeSelectorTerm(term)(node) — core/v1 NodeSelectorTerm: expressions on labels
//     (also Gt / Lt on integers), fields only `metadata.name`; an empty term matches nothing.
// A selector that does not parse (unknown operator, Gt without one integer) matches nothing.

import { labelSelectorAsSelector } from '@kubesim/shared';
import type { LabelSelector, Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm } from '../types.ts';

export type Labels = Readonly<Record<string, string>> | undefined;
export type LabelMatcher = (labels: Labels) => boolean;

export const matchNothing: LabelMatcher = () => false;
export const matchEverything: LabelMatcher = () => true;

function requirementMatcher(key: string, operator: string, values: readonly string[] | undefined): LabelMatcher {
  const set = new Set(values ?? []);
  switch (operator) {
    case 'In':
      if (set.size === 0) return matchNothing;
      return (l) => l !== undefined && Object.hasOwn(l, key) && set.has(l[key]!);
    case 'NotIn':
      return (l) => l === undefined || !Object.hasOwn(l, key) || !set.has(l[key]!);
    case 'Exists':
      return (l) => l !== undefined && Object.hasOwn(l, key);
    case 'DoesNotExist':
      return (l) => l === undefined || !Object.hasOwn(l, key);
    case 'Gt':
    case 'Lt': {
      const arr = values ?? [];
      if (arr.length !== 1 || !/^-?\d+$/.test(arr[0]!)) return matchNothing;
      const bound = Number(arr[0]);
      const gt = operator === 'Gt';
      return (l) => {
        if (l === undefined || !Object.hasOwn(l, key)) return false;
        const v = l[key]!;
        if (!/^-?\d+$/.test(v)) return false;
        const n = Number(v);
        return gt ? n > bound : n < bound;
      };
    }
    default:
      return matchNothing;
  }
}

function allOf(matchers: LabelMatcher[]): LabelMatcher {
  if (matchers.length === 0) return matchEverything;
  if (matchers.length === 1) return matchers[0]!;
  return (l) => {
    for (const m of matchers) if (!m(l)) return false;
    return true;
  };
}

const labelSelectorCache = new WeakMap<object, LabelMatcher>();

/** A metav1.LabelSelector as a matcher (shared's semantics); `undefined`/`null` matches
 *  nothing, `{}` everything, an invalid selector nothing. */
export function compileLabelSelector(sel: LabelSelector | null | undefined): LabelMatcher {
  if (sel === undefined || sel === null) return matchNothing;
  const cached = labelSelectorCache.get(sel);
  if (cached) return cached;
  let m: LabelMatcher;
  try {
    const s = labelSelectorAsSelector(sel);
    m = s.empty() ? matchEverything : (l) => s.matches(l);
  } catch {
    m = matchNothing;
  }
  labelSelectorCache.set(sel, m);
  return m;
}

/** Does a selector select nothing at all (absent), or is it the empty selector? */
export function isEmptyLabelSelector(sel: LabelSelector | null | undefined): boolean {
  return !sel || ((sel.matchLabels === undefined || Object.keys(sel.matchLabels).length === 0) && (sel.matchExpressions ?? []).length === 0);
}

/** A plain `key: value` map selector (nodeSelector, Service.spec.selector): all must match. */
export function matchesMapSelector(selector: Readonly<Record<string, string>> | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const k in selector) {
    if (labels === undefined || labels[k] !== selector[k]) return false;
  }
  return true;
}

export type NodeMatcher = (node: Node) => boolean;

function fieldMatcher(r: NodeSelectorRequirement): NodeMatcher {
  if (r.key !== 'metadata.name') return () => false;
  if (r.operator !== 'In' && r.operator !== 'NotIn') return () => false;
  const values = r.values ?? [];
  if (values.length !== 1) return () => false;
  const m = requirementMatcher('name', r.operator, values);
  return (node) => m({ name: node.metadata.name ?? '' });
}

const termCache = new WeakMap<object, NodeMatcher>();

/** One NodeSelectorTerm: its expressions and fields ANDed; empty matches nothing. */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): NodeMatcher {
  const cached = termCache.get(term);
  if (cached) return cached;
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  let m: NodeMatcher;
  if (exprs.length === 0 && fields.length === 0) {
    m = () => false;
  } else {
    const labelPart = allOf(exprs.map((r) => requirementMatcher(r.key, r.operator, r.values)));
    const fieldParts = fields.map(fieldMatcher);
    m = (node) => {
      if (!labelPart(node.metadata.labels)) return false;
      for (const f of fieldParts) if (!f(node)) return false;
      return true;
    };
  }
  termCache.set(term, m);
  return m;
}

/** A NodeSelector: its terms ORed. */
export function compileNodeSelector(sel: NodeSelector): NodeMatcher {
  const terms = (sel.nodeSelectorTerms ?? []).map(compileNodeSelectorTerm);
  return (node) => {
    for (const t of terms) if (t(node)) return true;
    return false;
  };
}
