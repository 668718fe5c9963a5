// Node selection as the kubelet, the DaemonSet controller and the volume binder apply it
// (Kubernetes: component-helpers' nodeaffinity and Toleration.ToleratesTaint): a pod's
// `nodeSelector` map plus its required node affinity (terms ORed, requirements ANDed; an
// empty term matches nothing; Gt/Lt compare integers; matchFields knows only
// metadata.name), and whether a toleration tolerates a taint. The scheduler compiles the
// same rules into matchers once per selector (scheduler/src/util/selectors.ts).

// Structural shapes (not the API types) so that callers with their own narrower pod types fit.
interface Requirement {
  key: string;
  operator: string;
  values?: readonly string[] | undefined;
}
interface SelectorTerm {
  matchExpressions?: readonly Requirement[] | undefined;
  matchFields?: readonly Requirement[] | undefined;
}
interface NodeSelectionSpec {
  nodeSelector?: Readonly<Record<string, string>> | undefined;
  affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: readonly SelectorTerm[] } | undefined } | undefined } | undefined;
}
interface TolerationLike {
  key?: string | undefined;
  operator?: string | undefined;
  value?: string | undefined;
  effect?: string | undefined;
}
interface TaintLike {
  key: string;
  value?: string | undefined;
  effect: string;
}

/** the node facts a selector reads */
export interface SelectableNode {
  name: string | undefined;
  labels: Readonly<Record<string, string>> | undefined;
}

const INTEGER = /^-?\d+$/;

/** one requirement against a label (or field) value, undefined when the node lacks it */
export function nodeSelectorRequirementMatches(r: Requirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1 || !INTEGER.test(value) || !INTEGER.test(values[0]!)) return false;
      return r.operator === 'Gt' ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
    }
    default:
      return false;
  }
}

/** a term: all its label expressions and field requirements; an empty term matches nothing */
export function nodeSelectorTermMatches(term: SelectorTerm, node: SelectableNode): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.labels ?? {};
  return (
    exprs.every((r) => nodeSelectorRequirementMatches(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined)) &&
    fields.every((r) => nodeSelectorRequirementMatches(r, r.key === 'metadata.name' ? node.name : undefined))
  );
}

/** a pod spec's nodeSelector and required node affinity, both of which must hold */
export function podFitsNodeSelector(spec: NodeSelectionSpec | undefined, node: SelectableNode): boolean {
  const labels = node.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((t) => nodeSelectorTermMatches(t, node));
}

/** does `t` tolerate `taint`? An empty effect or key in the toleration matches any. */
export function toleratesTaint(t: TolerationLike, taint: TaintLike): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}
