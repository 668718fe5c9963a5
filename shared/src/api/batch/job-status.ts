// The rules a write to jobs/status must pass (Kubernetes 1.32's ValidateJobStatusUpdate with
// JobManagedBy on, its default since 1.32, including the 1.32 patch releases' relaxations:
// a suspended Job with completions 0 may finish without startTime, and a resume may move
// startTime). Call validateJobStatusUpdate(job, old); job.spec is the stored spec. Most
// transition rules run only when a field they read changed, as Kubernetes' options do, so a
// write that leaves a bad status alone passes. kubesim prints times as Go's time.String in UTC.

import type { StatusCause } from '../../errors.ts';
import { at, deepEqual, fieldDuplicate, fieldInvalid, fieldRequired, validateNonnegative, type FieldPath } from '../validation/field.ts';
import type { Job } from './job.ts';

type JobStatus = NonNullable<Job['status']>;

const STATUS = 'status';
const CONDITIONS = 'status.conditions';

/** Invalid without the value (Go's field.OmitValueType): `Invalid value: <detail>` */
function invalidOmitValue(field: FieldPath, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${detail}`, field };
}

function isTrue(status: JobStatus, type: string): boolean {
  return (status.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

function isFalse(status: JobStatus, type: string): boolean {
  return (status.conditions ?? []).some((c) => c.type === type && c.status === 'False');
}

const isFinished = (s: JobStatus): boolean => isTrue(s, 'Complete') || isTrue(s, 'Failed');

/** milliseconds since the epoch, or undefined when unset or not a time */
function instant(t: string | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** two optional times are the same instant (both unset counts as equal) */
function sameTime(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const x = instant(a);
  const y = instant(b);
  return x === undefined || y === undefined ? a === b : x === y;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** a time as Go's time.Time String prints it in UTC (`2024-05-01 10:00:00 +0000 UTC`) */
export function goTimeString(t: string): string {
  const ms = instant(t);
  if (ms === undefined) return JSON.stringify(t);
  const d = new Date(ms);
  const frac = d.getUTCMilliseconds() ? `.${pad(d.getUTCMilliseconds(), 3).replace(/0+$/, '')}` : '';
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date} ${clock}${frac} +0000 UTC`;
}

function invalidTime(field: FieldPath, t: string, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${goTimeString(t)}: ${detail}`, field };
}

// ---- completion index lists ("1,3-5,7") as Kubernetes parses them ----

type Interval = readonly [number, number];

/** Go's strconv.Atoi on the digits a '-' split leaves (an optional '+', then digits) */
function atoi(text: string): number | undefined {
  return /^\+?[0-9]+$/.test(text) ? Number(text) : undefined;
}

/** one interval `x` or `x-y`, or the reason it is not one */
function parseInterval(text: string, completions: number): Interval | string {
  const limits = text.split('-');
  if (limits.length > 2) return `the fragment ${JSON.stringify(text)} violates the requirement that an index interval can have at most two parts separated by '-'`;
  const x = atoi(limits[0]!);
  if (x === undefined) return `cannot convert string to integer for index: ${JSON.stringify(limits[0])}`;
  if (x >= completions) return `too large index: ${JSON.stringify(limits[0])}`;
  if (limits.length === 1) return [x, x];
  const y = atoi(limits[1]!);
  if (y === undefined) return `cannot convert string to integer for index: ${JSON.stringify(limits[1])}`;
  if (y >= completions) return `too large index: ${JSON.stringify(limits[1])}`;
  if (x >= y) return `non-increasing order, previous: ${x}, current: ${y}`;
  return [x, y];
}

/** the first format error of an index list ('' is a valid, empty one) */
export function indexesFormatError(text: string, completions: number): string | undefined {
  if (text === '') return undefined;
  let last: number | undefined;
  for (const part of text.split(',')) {
    const iv = parseInterval(part, completions);
    if (typeof iv === 'string') return iv;
    if (last !== undefined && last >= iv[0]) return `non-increasing order, previous: ${last}, current: ${iv[0]}`;
    last = iv[1];
  }
  return undefined;
}

/** the first index both lists hold, walking both in order and skipping unparsable parts */
function firstOverlap(completed: string, failed: string, completions: number): number | undefined {
  if (completed === '' || failed === '') return undefined;
  const intervals = (text: string): Interval[] =>
    text
      .split(',')
      .map((p) => parseInterval(p, completions))
      .filter((iv): iv is Interval => typeof iv !== 'string');
  const c = intervals(completed);
  const f = intervals(failed);
  let i = 0;
  let j = 0;
  while (i < c.length && j < f.length) {
    const [cx, cy] = c[i]!;
    const [fx, fy] = f[j]!;
    if (cx <= fy && fx <= cy) return Math.max(cx, fx);
    if (cx <= fx) i++;
    else j++;
  }
  return undefined;
}

// ---- the rules ----

/** which fields the write changes: most transition rules run only for a change they read */
function changes(s: JobStatus, p: JobStatus) {
  const flip = (type: string): boolean => isTrue(s, type) !== isTrue(p, type);
  const uncounted = (u: JobStatus['uncountedTerminatedPods']) => (u === undefined ? undefined : { succeeded: u.succeeded ?? [], failed: u.failed ?? [] });
  return {
    finished: isFinished(s) !== isFinished(p),
    complete: flip('Complete'),
    failed: flip('Failed'),
    failureTarget: flip('FailureTarget'),
    successCriteriaMet: flip('SuccessCriteriaMet'),
    completedIndexes: (s.completedIndexes ?? '') !== (p.completedIndexes ?? ''),
    failedIndexes: s.failedIndexes !== p.failedIndexes,
    active: (s.active ?? 0) !== (p.active ?? 0),
    ready: s.ready !== p.ready,
    terminating: s.terminating !== p.terminating,
    startTime: !sameTime(s.startTime, p.startTime),
    completionTime: !sameTime(s.completionTime, p.completionTime),
    uncounted: !deepEqual(uncounted(s.uncountedTerminatedPods), uncounted(p.uncountedTerminatedPods)),
  };
}

/** counts non-negative; uncounted UIDs non-empty and listed once across both lists */
function validateCounts(s: JobStatus): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const name of ['active', 'succeeded', 'failed'] as const) causes.push(...validateNonnegative(s[name] ?? 0, at(STATUS, name)));
  for (const name of ['ready', 'terminating'] as const) causes.push(...validateNonnegative(s[name], at(STATUS, name)));
  const seen = new Set<string>();
  for (const list of ['succeeded', 'failed'] as const) {
    (s.uncountedTerminatedPods?.[list] ?? []).forEach((uid, i) => {
      const p = at(STATUS, 'uncountedTerminatedPods', list, i);
      if (uid === '') causes.push(fieldInvalid(p, uid, 'must not be empty'));
      else if (seen.has(uid)) causes.push(fieldDuplicate(p, uid));
      else seen.add(uid);
    });
  }
  return causes;
}

/** validateJobStatus: the new status on its own (with the 1.32 options' change triggers) */
function validateJobStatus(job: Job, s: JobStatus, changed: ReturnType<typeof changes>): StatusCause[] {
  const causes = validateCounts(s);
  const complete = isTrue(s, 'Complete');
  const failed = isTrue(s, 'Failed');
  const failureTarget = isTrue(s, 'FailureTarget');
  const successCriteriaMet = isTrue(s, 'SuccessCriteriaMet');
  const finished = complete || failed;
  const spec = job.spec;
  const completions = spec.completions;
  const indexed = spec.completionMode === 'Indexed';

  if ((changed.complete || changed.failed) && complete && failed) causes.push(invalidOmitValue(CONDITIONS, 'cannot set Complete=True and Failed=true conditions'));
  if ((changed.complete || changed.failureTarget) && complete && failureTarget) causes.push(invalidOmitValue(CONDITIONS, 'cannot set Complete=True and FailureTarget=true conditions'));
  if (changed.complete || changed.completionTime) {
    if (s.completionTime !== undefined && !complete) causes.push(invalidTime('status.completionTime', s.completionTime, 'cannot set completionTime when there is no Complete=True condition'));
    if (s.completionTime === undefined && complete) causes.push(fieldRequired('status.completionTime', 'completionTime is required for Complete jobs'));
  }
  if (changed.startTime || changed.completionTime) {
    const start = instant(s.startTime);
    const end = instant(s.completionTime);
    if (start !== undefined && end !== undefined && end < start) causes.push(invalidTime('status.completionTime', s.completionTime!, 'completionTime cannot be set before startTime'));
  }
  // (Kubernetes 1.32 triggers this one on a failedIndexes change, not a FailureTarget one)
  if ((changed.failed || changed.failedIndexes) && failed && !failureTarget) causes.push(invalidOmitValue(CONDITIONS, 'cannot set Failed=True condition without the FailureTarget=true condition'));
  if ((changed.complete || changed.successCriteriaMet) && complete && !successCriteriaMet) causes.push(invalidOmitValue(CONDITIONS, 'cannot set Complete=True condition without the SuccessCriteriaMet=true condition'));
  const active = s.active ?? 0;
  if ((changed.finished || changed.active) && active > 0 && finished) causes.push(fieldInvalid('status.active', active, 'active>0 is invalid for finished job'));
  // (1.32.7+: a suspended Job with completions 0 finishes without ever starting)
  const neverStarts = spec.suspend === true && completions === 0;
  if ((changed.finished || changed.startTime) && !neverStarts && s.startTime === undefined && finished) causes.push(fieldRequired('status.startTime', 'startTime is required for finished job'));
  const uncounted = (s.uncountedTerminatedPods?.succeeded?.length ?? 0) + (s.uncountedTerminatedPods?.failed?.length ?? 0);
  if ((changed.finished || changed.uncounted) && finished && uncounted > 0) {
    causes.push(fieldInvalid('status.uncountedTerminatedPods', s.uncountedTerminatedPods, 'uncountedTerminatedPods needs to be empty for finished job'));
  }
  const completedIndexes = s.completedIndexes ?? '';
  if (changed.completedIndexes && completions !== undefined) {
    const err = indexesFormatError(completedIndexes, completions);
    if (err) causes.push(fieldInvalid('status.completedIndexes', completedIndexes, `error parsing completedIndexes: ${err}`));
  }
  if (changed.failedIndexes && completions !== undefined && spec.backoffLimitPerIndex !== undefined && s.failedIndexes !== undefined) {
    const err = indexesFormatError(s.failedIndexes, completions);
    if (err) causes.push(fieldInvalid('status.failedIndexes', s.failedIndexes, `error parsing failedIndexes: ${err}`));
  }
  if (changed.completedIndexes && completedIndexes !== '' && !indexed) {
    causes.push(fieldInvalid('status.completedIndexes', completedIndexes, 'cannot set non-empty completedIndexes when non-indexed completion mode'));
  }
  if (changed.failedIndexes && spec.backoffLimitPerIndex === undefined && s.failedIndexes !== undefined) {
    causes.push(fieldInvalid('status.failedIndexes', s.failedIndexes, 'cannot set non-null failedIndexes when backoffLimitPerIndex is null'));
  }
  if ((changed.failedIndexes || changed.completedIndexes) && completions !== undefined && s.failedIndexes !== undefined) {
    const ix = firstOverlap(completedIndexes, s.failedIndexes, completions);
    if (ix !== undefined) causes.push(fieldInvalid('status.failedIndexes', s.failedIndexes, `failedIndexes and completedIndexes overlap at index: ${ix}`));
  }
  if ((changed.finished || changed.terminating) && (s.terminating ?? 0) > 0 && finished) causes.push(fieldInvalid('status.terminating', s.terminating, 'terminating>0 is invalid for finished job'));
  if ((changed.ready || changed.active) && s.ready !== undefined && s.ready > active) causes.push(fieldInvalid('status.ready', s.ready, 'cannot set more ready pods than active'));
  // (the NonIndexed and no-successPolicy SuccessCriteriaMet checks are off with JobManagedBy on)
  if (successCriteriaMet && failed) causes.push(invalidOmitValue(CONDITIONS, 'cannot set SuccessCriteriaMet=True and Failed=true conditions'));
  if (successCriteriaMet && failureTarget) causes.push(invalidOmitValue(CONDITIONS, 'cannot set SuccessCriteriaMet=True and FailureTarget=true conditions'));
  if (spec.successPolicy !== undefined && !successCriteriaMet && complete) causes.push(invalidOmitValue(CONDITIONS, 'cannot set Complete=True for Job with SuccessPolicy unless SuccessCriteriaMet=True'));
  return causes;
}

/** ValidateJobStatusUpdate without its ObjectMeta part (defineKind adds that) */
export function validateJobStatusUpdate(job: Job, old: Job): StatusCause[] {
  const s = job.status ?? {};
  const p = old.status ?? {};
  const changed = changes(s, p);
  const causes = validateJobStatus(job, s, changed);
  for (const type of ['Failed', 'Complete', 'FailureTarget']) {
    if (isTrue(p, type) && !isTrue(s, type)) causes.push(invalidOmitValue(CONDITIONS, `cannot disable the terminal ${type}=True condition`));
  }
  if ((s.failed ?? 0) < (p.failed ?? 0)) causes.push(fieldInvalid('status.failed', s.failed ?? 0, 'cannot decrease the failed counter'));
  // an Indexed Job with completions = parallelism may scale down, and lose succeeded indexes
  const elastic = job.spec.completionMode === 'Indexed' && job.spec.completions === job.spec.parallelism;
  if (!elastic && (s.succeeded ?? 0) < (p.succeeded ?? 0)) causes.push(fieldInvalid('status.succeeded', s.succeeded ?? 0, 'cannot decrease the succeeded counter'));
  if (s.completionTime !== undefined && p.completionTime !== undefined && changed.completionTime) {
    causes.push(invalidTime('status.completionTime', s.completionTime, 'completionTime cannot be mutated'));
  }
  // (1.32.10+: resuming, Suspended True → False, restarts the clock)
  const resuming = isTrue(p, 'Suspended') && isFalse(s, 'Suspended');
  if (changed.startTime && p.startTime !== undefined && job.spec.suspend !== true && !resuming) {
    causes.push(fieldRequired('status.startTime', 'startTime cannot be removed for unsuspended job'));
  }
  if (isTrue(p, 'SuccessCriteriaMet') && !isTrue(s, 'SuccessCriteriaMet')) causes.push(invalidOmitValue(CONDITIONS, 'cannot disable the SuccessCriteriaMet=True condition'));
  if (isTrue(p, 'Complete') && !isTrue(p, 'SuccessCriteriaMet') && isTrue(s, 'SuccessCriteriaMet')) {
    causes.push(invalidOmitValue(CONDITIONS, 'cannot set SuccessCriteriaMet=True for Job already has Complete=true conditions'));
  }
  return causes;
}
