// Job status rules, one accepted and one rejected write per rule, each rejection with its
// field path and message; then the rules through jobKind.validateStatusUpdate, and a check
// that the status kubesim's Job controller writes at each step of a Job's life passes.
import { describe, expect, it } from 'vitest';
import type { StatusCause } from '../../errors.ts';
import { makeObject } from '../fixtures.ts';
import { jobKind, type Job } from './job.ts';
import { goTimeString, indexesFormatError, validateJobStatusUpdate } from './job-status.ts';

type Status = NonNullable<Job['status']>;
type Spec = Partial<Job['spec']>;

const T0 = '2026-01-01T10:00:00Z';
const T1 = '2026-01-01T10:01:00Z';
const T0_GO = '2026-01-01 10:00:00 +0000 UTC';
const T1_GO = '2026-01-01 10:01:00 +0000 UTC';

const job = (status: Status, spec: Spec = {}): Job => {
  const j = makeObject<Job>('jobs', {});
  return { ...j, spec: { ...j.spec, ...spec }, status };
};
const cond = (...pairs: [string, string][]): NonNullable<Status['conditions']> => pairs.map(([type, status]) => ({ type, status }));
const invalid = (field: string, message: string): StatusCause => ({ reason: 'FieldValueInvalid', field, message });
const required = (field: string, message: string): StatusCause => ({ reason: 'FieldValueRequired', field, message });
const onConditions = (detail: string): StatusCause => invalid('status.conditions', `Invalid value: ${detail}`);

/** [rule, spec, old status, accepted new status, rejected new status, the rejection] */
type Case = [string, Spec, Status, Status, Status, StatusCause[]];

const started = { startTime: T0 };
const INDEXED: Spec = { completionMode: 'Indexed', completions: 5, parallelism: 2 };
const PER_INDEX: Spec = { ...INDEXED, backoffLimitPerIndex: 1 };

const cases: Case[] = [
  ['counts are non-negative', {}, {}, { active: 1, ready: 0, terminating: 0 }, { active: -1 },
    [invalid('status.active', 'Invalid value: -1: must be greater than or equal to 0')]],
  ['ready and terminating are non-negative when set', {}, {}, { active: 0 }, { terminating: -2 },
    [invalid('status.terminating', 'Invalid value: -2: must be greater than or equal to 0')]],
  ['uncounted pod UIDs are not empty', {}, {}, { uncountedTerminatedPods: { succeeded: ['a'] } }, { uncountedTerminatedPods: { succeeded: [''] } },
    [invalid('status.uncountedTerminatedPods.succeeded[0]', 'Invalid value: "": must not be empty')]],
  ['an uncounted pod UID is listed once across both lists', {}, {}, { uncountedTerminatedPods: { succeeded: ['a'], failed: ['b'] } }, { uncountedTerminatedPods: { succeeded: ['a'], failed: ['a'] } },
    [{ reason: 'FieldValueDuplicate', field: 'status.uncountedTerminatedPods.failed[0]', message: 'Duplicate value: "a"' }]],
  ['Complete and Failed are not both True', {}, started,
    { ...started, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) },
    { ...started, completionTime: T1, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True'], ['Failed', 'True']) },
    [onConditions('cannot set Complete=True and Failed=true conditions'),
      onConditions('cannot set Failed=True condition without the FailureTarget=true condition'),
      onConditions('cannot set SuccessCriteriaMet=True and Failed=true conditions')]],
  ['Complete and FailureTarget are not both True', {}, { ...started, conditions: cond(['FailureTarget', 'True']) },
    { ...started, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) },
    { ...started, completionTime: T1, conditions: cond(['FailureTarget', 'True'], ['Complete', 'True']) },
    [onConditions('cannot set Complete=True and FailureTarget=true conditions'),
      onConditions('cannot set Complete=True condition without the SuccessCriteriaMet=true condition')]],
  ['completionTime only with Complete=True', {}, started, { ...started, active: 1 }, { ...started, completionTime: T1 },
    [invalid('status.completionTime', `Invalid value: ${T1_GO}: cannot set completionTime when there is no Complete=True condition`)]],
  ['Complete=True needs completionTime', {}, { ...started, conditions: cond(['SuccessCriteriaMet', 'True']) },
    { ...started, completionTime: T1, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']) },
    { ...started, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']) },
    [required('status.completionTime', 'Required value: completionTime is required for Complete jobs')]],
  ['completionTime is not before startTime', {}, { startTime: T1, conditions: cond(['SuccessCriteriaMet', 'True']) },
    { startTime: T1, completionTime: T1, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']) },
    { startTime: T1, completionTime: T0, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']) },
    [invalid('status.completionTime', `Invalid value: ${T0_GO}: completionTime cannot be set before startTime`)]],
  ['Failed=True needs FailureTarget=True', {}, started,
    { ...started, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) }, { ...started, conditions: cond(['Failed', 'True']) },
    [onConditions('cannot set Failed=True condition without the FailureTarget=true condition')]],
  ['Complete=True needs SuccessCriteriaMet=True', {}, started,
    { ...started, completionTime: T1, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']) },
    { ...started, completionTime: T1, conditions: cond(['Complete', 'True']) },
    [onConditions('cannot set Complete=True condition without the SuccessCriteriaMet=true condition')]],
  ['a finished Job has no active pods', {}, { ...started, active: 1, conditions: cond(['FailureTarget', 'True']) },
    { ...started, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) },
    { ...started, active: 1, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) },
    [invalid('status.active', 'Invalid value: 1: active>0 is invalid for finished job')]],
  ['a finished Job has a startTime', {}, { conditions: cond(['FailureTarget', 'True']) },
    { ...started, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) },
    { conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) },
    [required('status.startTime', 'Required value: startTime is required for finished job')]],
  ['a suspended Job with completions 0 finishes without a startTime', { suspend: true, completions: 0 }, {},
    { completionTime: T1, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']) },
    { completionTime: T1, conditions: cond(['Complete', 'True']) },
    [onConditions('cannot set Complete=True condition without the SuccessCriteriaMet=true condition')]],
  ['a finished Job has no uncounted pods', {}, { ...started, uncountedTerminatedPods: { failed: ['a'] }, conditions: cond(['FailureTarget', 'True']) },
    { ...started, uncountedTerminatedPods: {}, failed: 1, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) },
    { ...started, uncountedTerminatedPods: { failed: ['a'] }, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) },
    [invalid('status.uncountedTerminatedPods', 'Invalid value: {"failed":["a"]}: uncountedTerminatedPods needs to be empty for finished job')]],
  ['completedIndexes parse', INDEXED, {}, { completedIndexes: '0,2-4', succeeded: 4 }, { completedIndexes: '1,0' },
    [invalid('status.completedIndexes', 'Invalid value: "1,0": error parsing completedIndexes: non-increasing order, previous: 1, current: 0')]],
  ['failedIndexes parse', PER_INDEX, {}, { failedIndexes: '1' }, { failedIndexes: '7' },
    [invalid('status.failedIndexes', 'Invalid value: "7": error parsing failedIndexes: too large index: "7"')]],
  ['completedIndexes only for an Indexed Job', { completions: 5 }, {}, { completedIndexes: '' }, { completedIndexes: '0' },
    [invalid('status.completedIndexes', 'Invalid value: "0": cannot set non-empty completedIndexes when non-indexed completion mode')]],
  ['failedIndexes only with backoffLimitPerIndex', INDEXED, {}, { completedIndexes: '0', succeeded: 1 }, { failedIndexes: '' },
    [invalid('status.failedIndexes', 'Invalid value: "": cannot set non-null failedIndexes when backoffLimitPerIndex is null')]],
  ['failedIndexes and completedIndexes do not overlap', PER_INDEX, { completedIndexes: '3-4', succeeded: 2 },
    { completedIndexes: '3-4', succeeded: 2, failedIndexes: '0,2' }, { completedIndexes: '3-4', succeeded: 2, failedIndexes: '0,3' },
    [invalid('status.failedIndexes', 'Invalid value: "0,3": failedIndexes and completedIndexes overlap at index: 3')]],
  ['a finished Job has no terminating pods', {}, { ...started, terminating: 1, conditions: cond(['FailureTarget', 'True']) },
    { ...started, terminating: 0, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) },
    { ...started, terminating: 1, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) },
    [invalid('status.terminating', 'Invalid value: 1: terminating>0 is invalid for finished job')]],
  ['no more ready pods than active ones', {}, {}, { active: 2, ready: 2 }, { active: 1, ready: 2 },
    [invalid('status.ready', 'Invalid value: 2: cannot set more ready pods than active')]],
  ['SuccessCriteriaMet and FailureTarget are not both True', {}, started,
    { ...started, conditions: cond(['SuccessCriteriaMet', 'True'], ['FailureTarget', 'False']) },
    { ...started, conditions: cond(['SuccessCriteriaMet', 'True'], ['FailureTarget', 'True']) },
    [onConditions('cannot set SuccessCriteriaMet=True and FailureTarget=true conditions')]],
  ['with a successPolicy, Complete=True needs SuccessCriteriaMet=True', { ...INDEXED, successPolicy: { rules: [{ succeededCount: 1 }] } }, started,
    { ...started, completionTime: T1, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']) },
    { ...started, completionTime: T1, conditions: cond(['Complete', 'True']) },
    [onConditions('cannot set Complete=True condition without the SuccessCriteriaMet=true condition'),
      onConditions('cannot set Complete=True for Job with SuccessPolicy unless SuccessCriteriaMet=True')]],
  ['a terminal condition stays True', {}, { ...started, conditions: cond(['FailureTarget', 'True']) },
    { ...started, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) }, { ...started, conditions: cond(['FailureTarget', 'False']) },
    [onConditions('cannot disable the terminal FailureTarget=True condition')]],
  ['the failed counter never decreases', {}, { failed: 3 }, { failed: 4 }, { failed: 1 },
    [invalid('status.failed', 'Invalid value: 1: cannot decrease the failed counter')]],
  ['the succeeded counter never decreases (unless an elastic Indexed Job)', { completions: 5 }, { succeeded: 3 }, { succeeded: 3 }, { succeeded: 2 },
    [invalid('status.succeeded', 'Invalid value: 2: cannot decrease the succeeded counter')]],
  ['completionTime never changes once set', {}, { ...started, completionTime: T0, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']) },
    { ...started, completionTime: T0, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']) },
    { ...started, completionTime: T1, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']) },
    [invalid('status.completionTime', `Invalid value: ${T1_GO}: completionTime cannot be mutated`)]],
  ['an unsuspended Job keeps its startTime, unless it is resuming', {}, { ...started, conditions: cond(['Suspended', 'True']) },
    { startTime: T1, conditions: cond(['Suspended', 'False']) }, { startTime: T1, conditions: cond(['Suspended', 'True']) },
    [required('status.startTime', 'Required value: startTime cannot be removed for unsuspended job')]],
  ['SuccessCriteriaMet stays True', {}, { ...started, conditions: cond(['SuccessCriteriaMet', 'True']) },
    { ...started, conditions: cond(['SuccessCriteriaMet', 'True']), active: 0 }, { ...started, conditions: cond(['SuccessCriteriaMet', 'False']) },
    [onConditions('cannot disable the SuccessCriteriaMet=True condition')]],
  ['SuccessCriteriaMet is not added to a Job already Complete', {}, { ...started, completionTime: T1, conditions: cond(['Complete', 'True']) },
    { ...started, completionTime: T1, conditions: cond(['Complete', 'True']), active: 0 },
    { ...started, completionTime: T1, conditions: cond(['Complete', 'True'], ['SuccessCriteriaMet', 'True']) },
    [onConditions('cannot set SuccessCriteriaMet=True for Job already has Complete=true conditions')]],
];

describe('validateJobStatusUpdate', () => {
  for (const [rule, spec, old, accepted, rejected, causes] of cases) {
    it(`${rule}: accepts a valid write and rejects a bad one`, () => {
      expect(validateJobStatusUpdate(job(accepted, spec), job(old, spec))).toEqual([]);
      expect(validateJobStatusUpdate(job(rejected, spec), job(old, spec))).toEqual(causes);
    });
  }

  it('leaves a bad status alone when the write does not touch what the rule reads', () => {
    const bad: Status = { ...started, completionTime: T1, active: 1, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']) };
    expect(validateJobStatusUpdate(job({ ...bad, ready: 0 }), job(bad))).toEqual([]);
    expect(validateJobStatusUpdate(job({ ...bad, active: 2 }), job(bad))).toEqual([invalid('status.active', 'Invalid value: 2: active>0 is invalid for finished job')]);
  });

  it('lets an elastic Indexed Job (completions = parallelism) lose succeeded indexes', () => {
    const spec: Spec = { completionMode: 'Indexed', completions: 2, parallelism: 2 };
    expect(validateJobStatusUpdate(job({ succeeded: 1, completedIndexes: '0' }, spec), job({ succeeded: 3, completedIndexes: '0-2' }, spec))).toEqual([]);
  });

  it('takes the same instant in another spelling as no change of startTime', () => {
    expect(validateJobStatusUpdate(job({ startTime: '2026-01-01T10:00:00.000Z' }), job(started))).toEqual([]);
  });
});

describe('indexesFormatError and goTimeString', () => {
  it('explain a malformed index list as Kubernetes does', () => {
    expect(indexesFormatError('', 3)).toBeUndefined();
    expect(indexesFormatError('0,2', 3)).toBeUndefined();
    expect(indexesFormatError('0-1-2', 3)).toBe(`the fragment "0-1-2" violates the requirement that an index interval can have at most two parts separated by '-'`);
    expect(indexesFormatError('a', 3)).toBe('cannot convert string to integer for index: "a"');
    expect(indexesFormatError('2-1', 3)).toBe('non-increasing order, previous: 2, current: 1');
    expect(indexesFormatError('0-1,1', 3)).toBe('non-increasing order, previous: 1, current: 1');
  });

  it('print a time as Go does in UTC', () => {
    expect(goTimeString(T0)).toBe(T0_GO);
    expect(goTimeString('2026-01-01T12:00:00.250+02:00')).toBe('2026-01-01 10:00:00.25 +0000 UTC');
  });
});

describe('jobKind.validateStatusUpdate', () => {
  it('checks the status rules and metadata, never the spec', () => {
    const old = job(started);
    const badSpec = { ...old, spec: { ...old.spec, parallelism: -1 } };
    expect(jobKind.validateStatusUpdate(badSpec, badSpec)).toEqual([]);
    expect(jobKind.validateStatusUpdate(job({ ...started, active: -1 }), old)).toEqual([invalid('status.active', 'Invalid value: -1: must be greater than or equal to 0')]);
  });

  it('passes every status the Job controller writes on the way to Complete, Failed and through a suspension', () => {
    const steps = (spec: Spec, ...statuses: Status[]): StatusCause[] =>
      statuses.slice(1).flatMap((s, i) => validateJobStatusUpdate(job(s, spec), job(statuses[i]!, spec)));
    const empty = { uncountedTerminatedPods: {} };
    // a pod runs, succeeds, is recorded, counted, then SuccessCriteriaMet and Complete
    expect(steps({},
      {},
      { ...started, active: 1, ready: 0, terminating: 0, ...empty },
      { ...started, active: 1, ready: 1, terminating: 0, ...empty },
      { ...started, active: 1, ready: 1, terminating: 0, uncountedTerminatedPods: { succeeded: ['p1'] } },
      { ...started, succeeded: 1, ready: 0, terminating: 0, ...empty, conditions: cond(['SuccessCriteriaMet', 'True'], ['Complete', 'True']), completionTime: T1 },
    )).toEqual([]);
    // failures past the backoff limit: FailureTarget first, Failed once nothing runs
    expect(steps({ backoffLimit: 0 },
      { ...started, active: 1, ready: 1, terminating: 0, ...empty },
      { ...started, active: 1, ready: 1, terminating: 0, uncountedTerminatedPods: { failed: ['p1'] } },
      { ...started, failed: 1, ready: 0, terminating: 1, ...empty, conditions: cond(['FailureTarget', 'True']) },
      { ...started, failed: 1, ready: 0, terminating: 0, ...empty, conditions: cond(['FailureTarget', 'True'], ['Failed', 'True']) },
    )).toEqual([]);
    // suspended, then resumed: the resume restarts the clock
    expect(steps({},
      { ...started, active: 1, ready: 1, terminating: 0, ...empty },
      { ...started, ready: 0, terminating: 1, ...empty, conditions: cond(['Suspended', 'True']) },
      { startTime: T1, active: 1, ready: 0, terminating: 0, ...empty, conditions: cond(['Suspended', 'False']) },
    )).toEqual([]);
  });
});
