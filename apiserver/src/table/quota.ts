// Table printers for ResourceQuota and LimitRange, as Kubernetes prints them. A quota row
// lists `resource: used/hard` for every resource in status.hard, sorted by name: those
// named `limits.*` in LIMIT, all others in REQUEST (`pods: 1/10, requests.cpu: 500m/4`);
// missing use prints as 0, quantities in canonical form. A LimitRange shows its creation time.

import { tryParseQuantity, type KubeObject } from '@kubesim/shared';
import { ageColumn, col, get, nameColumn, record, type Printer } from './columns.ts';
import { since } from './duration.ts';

const canonical = (v: unknown): string => {
  if (v === undefined) return '0';
  const q = typeof v === 'string' || typeof v === 'number' ? tryParseQuantity(v) : undefined;
  return q ? q.toString() : String(v);
};

/** [REQUEST, LIMIT] cells of a quota */
export function quotaUsage(quota: KubeObject): [string, string] {
  const hard = record(get(quota, 'status', 'hard'));
  const used = record(get(quota, 'status', 'used'));
  const requests: string[] = [];
  const limits: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const pieces = name.split('.');
    const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests;
    target.push(`${name}: ${canonical(used[name])}/${canonical(hard[name])}`);
  }
  return [requests.join(', '), limits.join(', ')];
}

export const resourceQuotaPrinter: Printer = {
  columns: [
    nameColumn,
    ageColumn,
    col('Request', 'string', 'Use and hard limit of each resource other than limits.*: the least containers ask for.'),
    col('Limit', 'string', 'Use and hard limit of each limits.* resource: the most containers may use.'),
  ],
  cells: (o, now) => [o.metadata.name ?? '', since(o.metadata.creationTimestamp, now), ...quotaUsage(o)],
};

export const limitRangePrinter: Printer = {
  columns: [nameColumn, col('Created At', 'date', 'When the object was created (metadata.creationTimestamp).')],
  cells: (o) => [o.metadata.name ?? '', o.metadata.creationTimestamp ?? ''],
};
