// Building blocks of Table printers: column definitions (name, type, format, description,
// priority 0 = always shown, 1 = only with `-o wide`) and the small formatters Kubernetes'
// printers share (label selectors, label maps, `<none>`). Printers read objects loosely:
// every field may be missing, so access goes through `get`.

import { compareStrings } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';

export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean;

export interface Printer {
  columns: ColumnDefinition[];
  /** one row of cells, in column order */
  cells(obj: KubeObject, now: number): Cell[];
}

export function col(name: string, type: ColumnDefinition['type'], description: string, priority = 0): ColumnDefinition {
  return { name, type, format: name === 'Name' ? 'name' : '', description, priority };
}

export const nameColumn = col('Name', 'string', 'Name must be unique within a namespace; it identifies the object.');
export const ageColumn = col('Age', 'string', 'Time since the object was created (metadata.creationTimestamp).');

/** Read a nested value: `get(obj, 'spec', 'replicas')`. */
export function get(obj: unknown, ...path: Array<string | number>): unknown {
  let v: unknown = obj;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

export const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
export const orNone = (s: string): string => (s === '' ? '<none>' : s);

/** `a=b,c=d` sorted by key, or `<none>` (labels.FormatLabels). */
export function formatLabels(labels: unknown): string {
  const entries = Object.entries(record(labels)).sort(([a], [b]) => compareStrings(a, b));
  return orNone(entries.map(([k, v]) => `${k}=${String(v)}`).join(','));
}

/** A LabelSelector as Kubernetes prints it: `app=web,tier in (a,b),!legacy`, or `<none>`. */
export function formatSelector(selector: unknown): string {
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(record(get(selector, 'matchLabels')))) reqs.push([k, `${k}=${String(v)}`]);
  for (const e of list(get(selector, 'matchExpressions'))) {
    const key = str(get(e, 'key'));
    const values = list(get(e, 'values')).map(String).sort().join(',');
    switch (get(e, 'operator')) {
      case 'In':
        reqs.push([key, `${key} in (${values})`]);
        break;
      case 'NotIn':
        reqs.push([key, `${key} notin (${values})`]);
        break;
      case 'Exists':
        reqs.push([key, key]);
        break;
      case 'DoesNotExist':
        reqs.push([key, `!${key}`]);
        break;
    }
  }
  reqs.sort(([a], [b]) => compareStrings(a, b));
  return orNone(reqs.map(([, r]) => r).join(','));
}

/** Container names and images of a pod template, comma-joined (the wide CONTAINERS/IMAGES). */
export function containersAndImages(podSpec: unknown): [string, string] {
  const containers = list(get(podSpec, 'containers'));
  return [containers.map((c) => str(get(c, 'name'))).join(','), containers.map((c) => str(get(c, 'image'))).join(',')];
}

export const wideTemplateColumns = [
  col('Containers', 'string', 'Names of each container in the template.', 1),
  col('Images', 'string', 'Images referenced by each container in the template.', 1),
  col('Selector', 'string', 'Label selector for pods; existing pods matching it are the ones this object manages.', 1),
];

export function hasCondition(obj: unknown, type: string, status = 'True'): boolean {
  return list(get(obj, 'status', 'conditions')).some((c) => get(c, 'type') === type && get(c, 'status') === status);
}
