// CronJob (batch/v1): create Jobs on a cron schedule. Defaults: concurrencyPolicy Allow,
// suspend false, successfulJobsHistoryLimit 3, failedJobsHistoryLimit 1 (only the job
// template's pod spec is defaulted, not its job spec). Validation: a parseable 5-field
// schedule (or @hourly & co.), no TZ= in it, names of at most 52 characters.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema, validateTemplateMeta } from '../common/object-meta.ts';
import { ObjectReferenceSchema } from '../common/object-reference.ts';
import { bool, int, obj, opt, str, time, typeMetaShape } from '../common/schema.ts';
import { setPodTemplateDefaults } from '../core/pod-template.ts';
import { resources } from '../resources.ts';
import { fieldInvalid, fieldRequired, validateEnum, validateNonnegative } from '../validation/field.ts';
import { JobSpecSchema, validateJobSpec } from './job.ts';

export const CronJobSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: obj({
    schedule: str().describe('The schedule in cron format, e.g. "*/5 * * * *" or "@hourly".'),
    timeZone: opt(str(), 'Time zone name for the schedule, e.g. Etc/UTC (default: the controller\'s).'),
    startingDeadlineSeconds: opt(int(), 'Seconds after a missed schedule within which the job may still start.'),
    concurrencyPolicy: opt(str(), 'Allow (default), Forbid or Replace concurrent runs.'),
    suspend: opt(bool(), 'If true, no new runs are started.'),
    jobTemplate: obj({
      metadata: opt(ObjectMetaSchema, 'Labels and annotations of the created jobs.'),
      spec: JobSpecSchema.describe('The spec of the created jobs.'),
    }).describe('The job to create on each run.'),
    successfulJobsHistoryLimit: opt(int(), 'Finished successful jobs to keep (default 3).'),
    failedJobsHistoryLimit: opt(int(), 'Failed jobs to keep (default 1).'),
  }).describe('The desired behavior of the cron job.'),
  status: opt(
    obj({
      active: opt(z.array(ObjectReferenceSchema), 'Jobs currently running.'),
      lastScheduleTime: opt(time(), 'When a job was last scheduled.'),
      lastSuccessfulTime: opt(time(), 'When a job last completed successfully.'),
    }),
    'The current status of the cron job.',
  ),
});
export type CronJob = z.infer<typeof CronJobSchema>;

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const NAMES = [[], [], [], ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']];

function cronFieldOk(f: string, i: number): boolean {
  const [lo, hi] = RANGES[i] ?? [0, 0];
  const names = NAMES[i] ?? [];
  const value = (s: string): number | undefined => {
    const n = names.indexOf(s.toLowerCase());
    if (n >= 0) return n + (i === 3 ? 1 : 0);
    return /^[0-9]+$/.test(s) ? Number(s) : undefined;
  };
  return f.split(',').every((part) => {
    const [range, step, ...rest] = part.split('/');
    if (rest.length || range === undefined || (step !== undefined && !/^[1-9][0-9]*$/.test(step))) return false;
    if (range === '*' || range === '?') return true;
    const [a, b, ...more] = range.split('-');
    if (more.length || a === undefined) return false;
    const va = value(a);
    const vb = b === undefined ? va : value(b);
    return va !== undefined && vb !== undefined && va >= lo && vb <= hi && va <= vb;
  });
}

/** [] when the schedule parses, else a message */
export function validateSchedule(schedule: string): string[] {
  const s = schedule.trim();
  if (/^(CRON_)?TZ=/.test(s)) return ['cannot use TZ or CRON_TZ in schedule, use timeZone field instead'];
  if (s.startsWith('@')) {
    if (DESCRIPTORS.includes(s) || /^@every\s+\S+$/.test(s)) return [];
    return [`unrecognized descriptor: ${s}`];
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return [`expected exactly 5 fields, found ${fields.length}: ${s}`];
  return fields.every(cronFieldOk) ? [] : [`unparseable schedule: ${s}`];
}

function validateCronJob(cj: CronJob): StatusCause[] {
  const spec = cj.spec;
  const causes: StatusCause[] = [];
  if ((cj.metadata.name ?? '').length > 52) causes.push(fieldInvalid('metadata.name', cj.metadata.name, 'must be no more than 52 characters'));
  if (!spec.schedule) causes.push(fieldRequired('spec.schedule'));
  else for (const m of validateSchedule(spec.schedule)) causes.push(fieldInvalid('spec.schedule', spec.schedule, m));
  if (spec.timeZone !== undefined) {
    let ok = spec.timeZone !== '' && !spec.timeZone.includes(' ');
    try {
      if (ok) new Intl.DateTimeFormat('en-US', { timeZone: spec.timeZone });
    } catch {
      ok = false;
    }
    if (!ok) causes.push(fieldInvalid('spec.timeZone', spec.timeZone, `unknown time zone ${spec.timeZone}`));
  }
  causes.push(...validateEnum(spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace'], 'spec.concurrencyPolicy'));
  causes.push(...validateNonnegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  causes.push(...validateNonnegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  causes.push(...validateNonnegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  causes.push(...validateTemplateMeta(spec.jobTemplate.metadata, 'spec.jobTemplate.metadata'));
  causes.push(...validateJobSpec(spec.jobTemplate.spec, 'spec.jobTemplate.spec', false));
  return causes;
}

export const cronJobKind = defineKind<CronJob>({
  type: resources.cronjobs,
  schema: CronJobSchema,
  defaults(cj) {
    cj.spec.concurrencyPolicy ??= 'Allow';
    cj.spec.suspend ??= false;
    cj.spec.successfulJobsHistoryLimit ??= 3;
    cj.spec.failedJobsHistoryLimit ??= 1;
    setPodTemplateDefaults(cj.spec.jobTemplate.spec.template);
  },
  validate: validateCronJob,
});
