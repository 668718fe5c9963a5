// Table responses (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): what `kubectl get`
// prints. `toTable(type, objects, { includeObject, now, resourceVersion })` builds a
// meta.k8s.io/v1 Table: the kind's column definitions and one row per object, the row's
// `object` being PartialObjectMetadata (default), the whole object, or absent. Kinds without
// a printer get NAME and AGE. A watch sends one-row Tables: call it with a single object.

import { apiVersionOf } from '@kubesim/shared';
import type { KubeObject, ResourceType } from '@kubesim/shared';
import { ageColumn, nameColumn, type Printer } from './columns.ts';
import { podPrinter } from './pods.ts';
import {
  configMapPrinter,
  endpointSlicePrinter,
  endpointsPrinter,
  eventPrinter,
  leasePrinter,
  namespacePrinter,
  nodePrinter,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
  storageClassPrinter,
} from './cluster.ts';
import {
  controllerRevisionPrinter,
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './workloads.ts';
import { limitRangePrinter, resourceQuotaPrinter } from './quota.ts';
import { roleBindingPrinter, rolePrinter } from './rbac.ts';
import { since } from './duration.ts';

export { humanDuration } from './duration.ts';
export type { ColumnDefinition, Printer } from './columns.ts';

/** Printers by `group/resource` (core group: just the resource). */
const printers: Record<string, Printer> = {
  pods: podPrinter,
  nodes: nodePrinter,
  services: servicePrinter,
  endpoints: endpointsPrinter,
  namespaces: namespacePrinter,
  configmaps: configMapPrinter,
  secrets: secretPrinter,
  events: eventPrinter,
  persistentvolumes: persistentVolumePrinter,
  persistentvolumeclaims: persistentVolumeClaimPrinter,
  serviceaccounts: serviceAccountPrinter,
  resourcequotas: resourceQuotaPrinter,
  limitranges: limitRangePrinter,
  'apps/deployments': deploymentPrinter,
  'apps/replicasets': replicaSetPrinter,
  'apps/statefulsets': statefulSetPrinter,
  'apps/daemonsets': daemonSetPrinter,
  'apps/controllerrevisions': controllerRevisionPrinter,
  'batch/jobs': jobPrinter,
  'batch/cronjobs': cronJobPrinter,
  'coordination.k8s.io/leases': leasePrinter,
  'discovery.k8s.io/endpointslices': endpointSlicePrinter,
  'policy/poddisruptionbudgets': podDisruptionBudgetPrinter,
  'scheduling.k8s.io/priorityclasses': priorityClassPrinter,
  'events.k8s.io/events': eventPrinter,
  'storage.k8s.io/storageclasses': storageClassPrinter,
  'rbac.authorization.k8s.io/roles': rolePrinter,
  'rbac.authorization.k8s.io/clusterroles': rolePrinter,
  'rbac.authorization.k8s.io/rolebindings': roleBindingPrinter,
  'rbac.authorization.k8s.io/clusterrolebindings': roleBindingPrinter,
};

const defaultPrinter: Printer = {
  columns: [nameColumn, ageColumn],
  cells: (o, now) => [o.metadata.name ?? '', since(o.metadata.creationTimestamp, now)],
};

export function printerFor(type: Pick<ResourceType, 'group' | 'resource'>): Printer {
  return printers[type.group ? `${type.group}/${type.resource}` : type.resource] ?? defaultPrinter;
}

export interface TableOptions {
  includeObject: 'None' | 'Metadata' | 'Object';
  now: number;
  resourceVersion?: string;
  continue?: string;
}

function rowObject(type: ResourceType, obj: KubeObject, include: TableOptions['includeObject']): Record<string, unknown> | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') {
    const apiVersion = apiVersionOf(type);
    return { ...obj, apiVersion: obj.apiVersion ?? apiVersion, kind: obj.kind ?? type.kind };
  }
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** A meta.k8s.io/v1 Table of `objects`. */
export function toTable(type: ResourceType, objects: KubeObject[], opts: TableOptions): Record<string, unknown> {
  const printer = printerFor(type);
  const metadata: Record<string, string> = {};
  if (opts.resourceVersion !== undefined) metadata['resourceVersion'] = opts.resourceVersion;
  if (opts.continue) metadata['continue'] = opts.continue;
  const rows = objects.map((obj) => {
    const row: Record<string, unknown> = { cells: printer.cells(obj, opts.now) };
    const object = rowObject(type, obj, opts.includeObject);
    if (object) row['object'] = object;
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: printer.columns, rows };
}
