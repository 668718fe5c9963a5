// Label and field selectors as the list and watch handlers apply them: parse the
// query-string forms once (`app=web,tier notin (db)`, `spec.nodeName=n1,status.phase!=Failed`)
// and return a predicate over objects. Field selectors may only name metadata.name,
// metadata.namespace and the kind's selectable fields; any other is a 400 with
// Kubernetes' message ("field label not supported: ...").
import { badRequest } from '@kubesim/shared';
import type { KindDefinition, KubeObject } from '@kubesim/shared';

/** a predicate over objects; one made of label requirements alone also answers from the
 *  labels (`byLabels`), so a list need not parse objects it only filters by label */
export type ObjectFilter = ((obj: KubeObject) => boolean) & { byLabels?: (labels: Record<string, string> | undefined) => boolean };

/** `filter` applied to a stored object: from its labels when that is enough */
export function matches(filter: ObjectFilter, o: { readonly obj: KubeObject; readonly labels: Record<string, string> | undefined }): boolean {
  return filter.byLabels ? filter.byLabels(o.labels) : filter(o.obj);
}

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' };

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function checkKey(key: string, whole: string): void {
  if (!KEY.test(key) || key.length > 317) throw badRequest(`unable to parse requirement: ${JSON.stringify(whole)}: invalid label key ${JSON.stringify(key)}`);
}
function checkValue(v: string, whole: string): void {
  if (!VALUE.test(v) || v.length > 63) throw badRequest(`unable to parse requirement: ${JSON.stringify(whole)}: invalid label value: ${JSON.stringify(v)}`);
}

export function parseLabelSelector(text: string): Requirement[] {
  const reqs: Requirement[] = [];
  if (!text.trim()) return reqs;
  for (const rawPart of splitTopLevel(text)) {
    const part = rawPart.trim();
    if (!part) throw badRequest(`couldn't parse the selector string "${text}": found '', expected: !, identifier, or 'end of string'`);
    let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = m[3]!.split(',').map((v) => v.trim()).filter((v, i, a) => v !== '' || a.length === 1);
      checkKey(m[1]!, text);
      values.forEach((v) => checkValue(v, text));
      reqs.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values });
      continue;
    }
    m = /^!\s*(\S+)$/.exec(part);
    if (m) {
      checkKey(m[1]!, text);
      reqs.push({ key: m[1]!, op: '!' });
      continue;
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m) {
      checkKey(m[1]!, text);
      checkValue(m[3]!, text);
      reqs.push({ key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
      continue;
    }
    if (/^\S+$/.test(part)) {
      checkKey(part, text);
      reqs.push({ key: part, op: 'exists' });
      continue;
    }
    throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
  }
  return reqs;
}

export function labelsMatch(reqs: readonly Requirement[], labels: Record<string, string> | undefined): boolean {
  for (const r of reqs) {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const v = has ? labels[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
    }
  }
  return true;
}

/** the field labels Kubernetes accepts per kind beyond metadata.name/namespace */
const SELECTABLE: Record<string, readonly string[]> = {
  'v1/Pod': ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
  'v1/Node': ['spec.unschedulable'],
  'v1/Namespace': ['status.phase'],
  'v1/Secret': ['type'],
  'v1/Service': ['spec.clusterIP', 'spec.type'],
  'v1/Event': ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  'events.k8s.io/v1/Event': ['regarding.kind', 'regarding.namespace', 'regarding.name', 'regarding.uid', 'regarding.apiVersion', 'regarding.resourceVersion', 'regarding.fieldPath', 'reason', 'reportingController', 'type'],
  'apps/v1/ReplicaSet': ['status.replicas'],
  'batch/v1/Job': ['status.successful'],
  'v1/PersistentVolumeClaim': [],
};

interface FieldTerm {
  field: string;
  value: string;
  negate: boolean;
}

function unescapeFieldValue(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

export function parseFieldSelector(text: string): FieldTerm[] {
  const terms: FieldTerm[] = [];
  if (!text.trim()) return terms;
  for (const rawPart of text.split(/(?<!\\),/)) {
    const part = rawPart.trim();
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    terms.push({ field: m[1]!.trim(), value: unescapeFieldValue(m[3]!), negate: m[2] === '!=' });
  }
  return terms;
}

/** the value at a dotted path as a field selector compares it ('' when absent) */
function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const p of (path === 'source' ? 'source.component' : path).split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[p];
  }
  if (Array.isArray(cur)) cur = (cur[0] as { ip?: unknown } | undefined)?.ip;
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return path === 'spec.unschedulable' || path === 'spec.hostNetwork' ? 'false' : '';
}

/** the definition's selectable fields of `obj`; undefined when it has none or fails */
function selectableFieldsOf(definition: KindDefinition | undefined, obj: KubeObject): Record<string, string> | undefined {
  try {
    return definition?.selectableFields(obj);
  } catch {
    return undefined; // fall back to the path values
  }
}

/**
 * A predicate for the selectors, or undefined when both are empty. Throws 400 on a
 * malformed selector or an unsupported field. `sample` names the fields the kind's
 * definition can select (found by asking it about an empty object).
 */
export function makeFilter(
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
  definition: KindDefinition | undefined,
  namespaced: boolean,
  kind: string,
  apiVersion: string,
): ObjectFilter | undefined {
  const reqs = parseLabelSelector(labelSelector ?? '');
  const terms = parseFieldSelector(fieldSelector ?? '');
  if (reqs.length === 0 && terms.length === 0) return undefined;
  if (terms.length === 0) {
    const byLabels = (labels: Record<string, string> | undefined): boolean => labelsMatch(reqs, labels);
    const filter: ObjectFilter = (obj) => byLabels(obj.metadata?.labels);
    filter.byLabels = byLabels;
    return filter;
  }
  const known = new Set(['metadata.name', 'metadata.namespace', ...(SELECTABLE[`${apiVersion}/${kind}`] ?? [])]);
  if (definition) {
    try {
      for (const k of Object.keys(definition.selectableFields({ metadata: {}, spec: {}, status: {} } as unknown as KubeObject))) known.add(k);
    } catch {
      // a definition that cannot describe an empty object: only metadata fields
    }
  }
  for (const t of terms) {
    if (!known.has(t.field)) throw badRequest(`field label not supported: ${t.field}`);
  }
  const staticFields = new Set(SELECTABLE[`${apiVersion}/${kind}`] ?? []);
  // A field's value, by precedence: metadata name/namespace, then the definition's
  // selectable fields, then the path itself for the static list, else ''. The definition's
  // fields are computed only when a term needs them (watch fan-out runs this once per
  // watcher per event), and with no closure made per call.
  return (obj) => {
    if (reqs.length && !labelsMatch(reqs, obj.metadata?.labels)) return false;
    let defined: Record<string, string> | undefined | null = null;
    for (const t of terms) {
      let v: string;
      if (t.field === 'metadata.name') v = obj.metadata?.name ?? '';
      else if (t.field === 'metadata.namespace' && namespaced) v = obj.metadata?.namespace ?? '';
      else {
        if (defined === null) defined = selectableFieldsOf(definition, obj);
        if (defined && Object.hasOwn(defined, t.field)) v = defined[t.field] ?? '';
        else v = staticFields.has(t.field) ? fieldValue(obj, t.field) : '';
      }
      if (t.negate ? v === t.value : v !== t.value) return false;
    }
    return true;
  };
}
