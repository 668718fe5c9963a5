// Table printers for the workload controllers' kinds: deployments, replicasets, statefulsets,
// daemonsets, jobs, cronjobs and controllerrevisions, with the columns a real cluster shows
// (READY as `ready/desired`, the wide CONTAINERS/IMAGES/SELECTOR of the pod template).

import type { KubeObject } from '@kubesim/shared';
import {
  ageColumn,
  col,
  containersAndImages,
  formatLabels,
  formatSelector,
  get,
  hasCondition,
  list,
  nameColumn,
  num,
  str,
  wideTemplateColumns,
  type Printer,
} from './columns.ts';
import { humanDuration, since } from './duration.ts';

const name = (o: KubeObject): string => o.metadata.name ?? '';
const age = (o: KubeObject, now: number): string => since(o.metadata.creationTimestamp, now);

function templateCells(o: KubeObject, podSpec: unknown, selector: unknown): string[] {
  const [containers, images] = containersAndImages(podSpec);
  return [containers, images, formatSelector(selector)];
}

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn,
    col('Ready', 'string', 'Number of ready replicas out of the desired replicas.'),
    col('Up-to-date', 'integer', 'Total number of replicas running the latest pod template.'),
    col('Available', 'integer', 'Total number of available replicas (ready for at least minReadySeconds).'),
    ageColumn,
    ...wideTemplateColumns,
  ],
  cells(o, now) {
    const desired = num(get(o, 'spec', 'replicas'));
    return [
      name(o),
      `${num(get(o, 'status', 'readyReplicas'))}/${desired}`,
      num(get(o, 'status', 'updatedReplicas')),
      num(get(o, 'status', 'availableReplicas')),
      age(o, now),
      ...templateCells(o, get(o, 'spec', 'template', 'spec'), get(o, 'spec', 'selector')),
    ];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    nameColumn,
    col('Desired', 'integer', 'Number of desired pods.'),
    col('Current', 'integer', 'Number of pods that exist now.'),
    col('Ready', 'integer', 'Number of pods that are ready.'),
    ageColumn,
    ...wideTemplateColumns,
  ],
  cells(o, now) {
    return [
      name(o),
      num(get(o, 'spec', 'replicas')),
      num(get(o, 'status', 'replicas')),
      num(get(o, 'status', 'readyReplicas')),
      age(o, now),
      ...templateCells(o, get(o, 'spec', 'template', 'spec'), get(o, 'spec', 'selector')),
    ];
  },
};

export const statefulSetPrinter: Printer = {
  columns: [nameColumn, col('Ready', 'string', 'Number of ready pods out of the desired replicas.'), ageColumn, ...wideTemplateColumns.slice(0, 2)],
  cells(o, now) {
    const [containers, images] = containersAndImages(get(o, 'spec', 'template', 'spec'));
    return [name(o), `${num(get(o, 'status', 'readyReplicas'))}/${num(get(o, 'spec', 'replicas'))}`, age(o, now), containers, images];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameColumn,
    col('Desired', 'integer', 'Number of nodes that should run the daemon pod.'),
    col('Current', 'integer', 'Number of nodes running at least one daemon pod.'),
    col('Ready', 'integer', 'Number of nodes whose daemon pod is ready.'),
    col('Up-to-date', 'integer', 'Number of nodes running the updated daemon pod.'),
    col('Available', 'integer', 'Number of nodes whose daemon pod is available.'),
    col('Node Selector', 'string', 'The node selector of the pod template.'),
    ageColumn,
    ...wideTemplateColumns,
  ],
  cells(o, now) {
    const st = get(o, 'status');
    return [
      name(o),
      num(get(st, 'desiredNumberScheduled')),
      num(get(st, 'currentNumberScheduled')),
      num(get(st, 'numberReady')),
      num(get(st, 'updatedNumberScheduled')),
      num(get(st, 'numberAvailable')),
      formatLabels(get(o, 'spec', 'template', 'spec', 'nodeSelector')),
      age(o, now),
      ...templateCells(o, get(o, 'spec', 'template', 'spec'), get(o, 'spec', 'selector')),
    ];
  },
};

function jobStatus(o: KubeObject): string {
  if (hasCondition(o, 'Complete')) return 'Complete';
  if (hasCondition(o, 'Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (hasCondition(o, 'Suspended')) return 'Suspended';
  if (hasCondition(o, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(o, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

export const jobPrinter: Printer = {
  columns: [
    nameColumn,
    col('Status', 'string', 'Status of the job: Running, Complete, Failed, Suspended, Terminating.'),
    col('Completions', 'string', 'Succeeded pods out of the desired completions.'),
    col('Duration', 'string', 'Time the job took to complete, or has been running.'),
    ageColumn,
    ...wideTemplateColumns,
  ],
  cells(o, now) {
    const succeeded = num(get(o, 'status', 'succeeded'));
    const completions = get(o, 'spec', 'completions');
    const parallelism = num(get(o, 'spec', 'parallelism'));
    let completionText: string;
    if (typeof completions === 'number') completionText = `${succeeded}/${completions}`;
    else completionText = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    const start = Date.parse(str(get(o, 'status', 'startTime')));
    const end = Date.parse(str(get(o, 'status', 'completionTime')));
    let duration = '';
    if (!Number.isNaN(start)) duration = humanDuration((Number.isNaN(end) ? now : end) - start);
    return [
      name(o),
      jobStatus(o),
      completionText,
      duration,
      age(o, now),
      ...templateCells(o, get(o, 'spec', 'template', 'spec'), get(o, 'spec', 'selector')),
    ];
  },
};

export const cronJobPrinter: Printer = {
  columns: [
    nameColumn,
    col('Schedule', 'string', 'The schedule in Cron format.'),
    col('Timezone', 'string', 'The time zone the schedule is read in.'),
    col('Suspend', 'boolean', 'Whether new runs are suspended.'),
    col('Active', 'integer', 'Number of jobs running now.'),
    col('Last Schedule', 'string', 'How long ago a job was last scheduled.'),
    ageColumn,
    ...wideTemplateColumns,
  ],
  cells(o, now) {
    const last = get(o, 'status', 'lastScheduleTime');
    return [
      name(o),
      str(get(o, 'spec', 'schedule')),
      str(get(o, 'spec', 'timeZone')) || '<none>',
      get(o, 'spec', 'suspend') === true,
      list(get(o, 'status', 'active')).length,
      last ? since(last, now) : '<none>',
      age(o, now),
      ...templateCells(o, get(o, 'spec', 'jobTemplate', 'spec', 'template', 'spec'), get(o, 'spec', 'jobTemplate', 'spec', 'selector')),
    ];
  },
};

export const controllerRevisionPrinter: Printer = {
  columns: [
    nameColumn,
    col('Controller', 'string', 'The controller that owns this revision.'),
    col('Revision', 'integer', 'The revision number.'),
    ageColumn,
  ],
  cells(o, now) {
    const owner = (o.metadata.ownerReferences ?? []).find((r) => r.controller);
    let controller = '<none>';
    if (owner) {
      const group = owner.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
      controller = `${owner.kind.toLowerCase()}${group ? `.${group}` : ''}/${owner.name}`;
    }
    return [name(o), controller, num(get(o, 'revision')), age(o, now)];
  },
};
