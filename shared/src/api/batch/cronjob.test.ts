import { describe, expect, it } from 'vitest';
import { defaultingTable, validationTable } from '../testing/cases.ts';
import { validateSchedule } from './cronjob.ts';

describe('cronjob defaulting', () => {
  defaultingTable('cronjobs', [
    ['concurrencyPolicy defaults to Allow', {}, (c) => c.spec.concurrencyPolicy, 'Allow'],
    ['suspend defaults to false', {}, (c) => c.spec.suspend, false],
    ['3 successful jobs are kept by default', {}, (c) => c.spec.successfulJobsHistoryLimit, 3],
    ['1 failed job is kept by default', {}, (c) => c.spec.failedJobsHistoryLimit, 1],
    ['the job template\'s pod spec is defaulted', {}, (c) => c.spec.jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst'],
    ['the job template\'s job spec is not defaulted', {}, (c) => c.spec.jobTemplate.spec.backoffLimit, undefined],
  ]);
});

describe('cronjob validation', () => {
  validationTable('cronjobs', [
    ['a schedule is required', { spec: { schedule: '' } }, { field: 'spec.schedule', reason: 'FieldValueRequired' }],
    ['the schedule must parse', { spec: { schedule: '61 * * * *' } }, { field: 'spec.schedule', reason: 'FieldValueInvalid' }],
    ['TZ= is not allowed in the schedule', { spec: { schedule: 'TZ=UTC 0 * * * *' } },
      { field: 'spec.schedule', message: 'Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead' }],
    ['the time zone must exist', { spec: { timeZone: 'Mars/Olympus' } }, { field: 'spec.timeZone', reason: 'FieldValueInvalid' }],
    ['concurrencyPolicy must be known', { spec: { concurrencyPolicy: 'Sometimes' } }, { field: 'spec.concurrencyPolicy', reason: 'FieldValueNotSupported' }],
    ['history limits may not be negative', { spec: { failedJobsHistoryLimit: -1 } }, { field: 'spec.failedJobsHistoryLimit', reason: 'FieldValueInvalid' }],
    ['names are at most 52 characters', { metadata: { name: 'a'.repeat(53) } }, { field: 'metadata.name', message: `Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters` }],
    ['job template pods may not restart Always', { spec: { jobTemplate: { spec: { template: { spec: { restartPolicy: 'Always' } } } } } },
      { field: 'spec.jobTemplate.spec.template.spec.restartPolicy', reason: 'FieldValueNotSupported' }],
  ]);
});

describe('validateSchedule', () => {
  it.each(['*/5 * * * *', '0 0 1 jan mon', '@hourly', '@every 1h', '0-30/10 8-17 * * 1-5'])('accepts %s', (s) => {
    expect(validateSchedule(s)).toEqual([]);
  });
  it.each(['* * * *', '@sometimes', '* 25 * * *', '*/0 * * * *'])('rejects %s', (s) => {
    expect(validateSchedule(s)).not.toEqual([]);
  });
});
