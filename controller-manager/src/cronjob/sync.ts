// One sync of one CronJob (Kubernetes: cronjob_controllerv2.go syncCronJob). Outline:
//   1. reconcile status.active with the Jobs it owns: finished ones leave (SawCompletedJob,
//      lastSuccessfulTime), vanished ones leave (MissingJob);
//   2. unless deleted or suspended, find the most recent unmet schedule time; too late for
//      startingDeadlineSeconds → MissSchedule; already run → nothing;
//   3. concurrencyPolicy: Forbid skips while a Job is active (JobAlreadyActive), Replace
//      deletes the active Jobs first, Allow runs them side by side;
//   4. create Job `<cronjob>-<scheduled time in minutes since the epoch>`, annotated with
//      batch.kubernetes.io/cronjob-scheduled-timestamp, and record it in status;
//   5. delete finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit;
//   6. requeue at the next schedule time (+100 ms) on the injected clock.
// kubesim: an unfinished owned Job missing from status.active is added back to it (Kubernetes
// only reports UnexpectedJob), so Forbid also holds when a status write was lost.
import { errorMessage, formatTime, isAlreadyExists, isNotFound, newControllerRef, resources } from '@kubesim/shared';
import type { CronJob, Job, ObjectReference, ReconcileResult, SharedInformer } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { deepEqual } from '../canonical.ts';
import type { WrittenObjects } from '../history/claim.ts';
import { ScheduleError, mostRecentScheduleTime, parseSchedule } from './schedule.ts';

export const CRONJOB_SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const NEXT_SCHEDULE_DELTA_MS = 100;

export interface CronJobCaches {
  cronjobs: SharedInformer<CronJob>;
  jobs: SharedInformer<Job>;
  written: WrittenObjects<CronJob>;
}

type CronJobStatus = NonNullable<CronJob['status']>;

export function jobFinishedCondition(job: Job): 'Complete' | 'Failed' | undefined {
  for (const c of job.status?.conditions ?? []) if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  return undefined;
}

/** Kubernetes' Job name suffix: the scheduled time in minutes since the epoch */
export function jobNameFor(cj: CronJob, scheduled: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
}

export async function syncCronJob(ctx: ControllerContext, caches: CronJobCaches, key: string): Promise<void | ReconcileResult> {
  const cachedCj = caches.cronjobs.store.get(key);
  if (!cachedCj) {
    caches.written.forget(key);
    return;
  }
  const cj = structuredClone(caches.written.fresh(key, cachedCj)) as CronJob;
  const namespace = cj.metadata.namespace ?? 'default';
  const status: CronJobStatus = structuredClone(cj.status ?? {});
  const owned = caches.jobs.store.byIndex('namespace', namespace).filter((j) => j.metadata.ownerReferences?.some((r) => r.controller && r.uid === cj.metadata.uid));

  // 1. active list
  const active = [...(status.active ?? [])];
  const ownedUids = new Set(owned.map((j) => j.metadata.uid));
  for (const job of owned) {
    const found = active.findIndex((r) => r.uid === job.metadata.uid);
    const finished = jobFinishedCondition(job);
    if (found < 0 && !finished) active.push(jobRef(job));
    else if (found >= 0 && finished) {
      active.splice(found, 1);
      ctx.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, condition: ${finished}`);
    }
    if (finished === 'Complete' && job.status?.completionTime) {
      const t = Date.parse(job.status.completionTime);
      if (!status.lastSuccessfulTime || t > Date.parse(status.lastSuccessfulTime)) status.lastSuccessfulTime = job.status.completionTime;
    }
  }
  for (const ref of [...active]) {
    if (ownedUids.has(ref.uid)) continue;
    try {
      await ctx.client.get(resources.jobs, ref.name ?? '', { namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      ctx.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      active.splice(active.indexOf(ref), 1);
    }
  }
  status.active = active;

  let requeue: number | undefined;
  if (!cj.metadata.deletionTimestamp && cj.spec.suspend !== true) {
    requeue = await scheduleNext(ctx, cj, status, owned);
  }
  if (!cj.metadata.deletionTimestamp) await cleanupFinishedJobs(ctx, cj, owned);

  const next: CronJobStatus = { ...status };
  if (!next.active?.length) delete next.active;
  if (!deepEqual(cj.status ?? {}, next)) {
    try {
      const updated = await ctx.client.update(resources.cronjobs, { ...cj, status: next }, { namespace, subresource: 'status' });
      caches.written.remember(key, updated);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return requeue !== undefined ? { requeueAfter: requeue } : undefined;
}

/** steps 2–4; returns ms until the next look, or undefined when the schedule is broken */
async function scheduleNext(ctx: ControllerContext, cj: CronJob, status: CronJobStatus, owned: readonly Job[]): Promise<number | undefined> {
  let sched;
  try {
    sched = parseSchedule(cj.spec.schedule, cj.spec.timeZone);
  } catch (err) {
    if (err instanceof ScheduleError) {
      ctx.recorder.event(cj, 'Warning', err.reason, err.message);
      return undefined;
    }
    throw err;
  }
  const now = ctx.clock.now();
  const untilNext = (): number => sched.next(now) - now + NEXT_SCHEDULE_DELTA_MS;
  let earliest = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || now;
  const deadline = cj.spec.startingDeadlineSeconds;
  if (deadline !== undefined) earliest = Math.max(earliest, now - deadline * 1000);
  const { time: scheduled, missed } = mostRecentScheduleTime(sched, earliest, now);
  if (missed > 100) {
    ctx.recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
  }
  if (scheduled === undefined) return untilNext();
  if (deadline !== undefined && scheduled + deadline * 1000 < now) {
    ctx.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${new Date(scheduled).toUTCString()}`);
    return untilNext();
  }
  const name = jobNameFor(cj, scheduled);
  if ((status.active ?? []).some((r) => r.name === name)) {
    // Its Job runs, but the status write that recorded it was lost (step 1 put the Job back
    // in active): record the schedule time too, or a later sync would take the time as unmet
    // and run it again once that Job is gone (Kubernetes, which does not put the Job back,
    // has the same gap until the next schedule time).
    if (!status.lastScheduleTime || Date.parse(status.lastScheduleTime) < scheduled) status.lastScheduleTime = formatTime(scheduled);
    return untilNext();
  }
  if (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled) return untilNext();

  const policy = cj.spec.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && (status.active ?? []).length > 0) {
    ctx.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    return untilNext();
  }
  if (policy === 'Replace') {
    for (const ref of [...(status.active ?? [])]) {
      await deleteJob(ctx, cj, ref.name ?? '');
      status.active = (status.active ?? []).filter((r) => r.uid !== ref.uid);
    }
  }

  const job = newJobFromTemplate(cj, scheduled, name);
  let created: Job;
  try {
    created = await ctx.client.create(resources.jobs, job, { namespace: job.metadata.namespace ?? 'default' });
    ctx.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
  } catch (err) {
    if (!isAlreadyExists(err)) {
      ctx.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errorMessage(err)}`);
      throw err;
    }
    // Created by an earlier sync whose status write was lost: record it if it is ours.
    const existing = owned.find((j) => j.metadata.name === name) ?? (await ctx.client.get(resources.jobs, name, { namespace: cj.metadata.namespace ?? 'default' }));
    if (!existing.metadata.ownerReferences?.some((r) => r.uid === cj.metadata.uid)) return untilNext();
    created = existing;
  }
  if (!jobFinishedCondition(created) && !(status.active ?? []).some((r) => r.uid === created.metadata.uid)) status.active = [...(status.active ?? []), jobRef(created)];
  status.lastScheduleTime = formatTime(scheduled);
  return untilNext();
}

export function newJobFromTemplate(cj: CronJob, scheduled: number, name: string): Job {
  const tpl = cj.spec.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cj.metadata.namespace ?? 'default',
      labels: { ...(tpl.metadata?.labels ?? {}) },
      annotations: { ...(tpl.metadata?.annotations ?? {}), [CRONJOB_SCHEDULED_TIMESTAMP]: formatInZone(scheduled, cj.spec.timeZone) },
      ownerReferences: [newControllerRef(cj, { apiVersion: 'batch/v1', kind: 'CronJob' })],
    },
    spec: structuredClone(tpl.spec),
  } as Job;
}

/** RFC 3339 in the CronJob's time zone (UTC: `...Z`) */
function formatInZone(ms: number, tz: string | undefined): string {
  if (!tz || tz === 'UTC' || tz === 'Etc/UTC') return formatTime(ms);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']), Number(parts['minute']), Number(parts['second']));
  const offset = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const mm = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}:${parts['second']}${sign}${hh}:${mm}`;
}

function jobRef(job: Job): ObjectReference {
  return {
    kind: 'Job',
    namespace: job.metadata.namespace ?? 'default',
    name: job.metadata.name ?? '',
    uid: job.metadata.uid ?? '',
    apiVersion: 'batch/v1',
    resourceVersion: job.metadata.resourceVersion ?? '',
  } as ObjectReference;
}

async function deleteJob(ctx: ControllerContext, cj: CronJob, name: string): Promise<void> {
  try {
    await ctx.client.delete(resources.jobs, name, { namespace: cj.metadata.namespace ?? 'default', propagationPolicy: 'Background' });
    ctx.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
  } catch (err) {
    if (isNotFound(err)) return;
    ctx.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${errorMessage(err)}`);
    throw err;
  }
}

/** keep the newest successfulJobsHistoryLimit Complete and failedJobsHistoryLimit Failed Jobs */
async function cleanupFinishedJobs(ctx: ControllerContext, cj: CronJob, owned: readonly Job[]): Promise<void> {
  const startOf = (j: Job): string => j.status?.startTime ?? j.metadata.creationTimestamp ?? '';
  const prune = async (jobs: Job[], limit: number | undefined): Promise<void> => {
    if (limit === undefined) return;
    const sorted = jobs.sort((a, b) => startOf(a).localeCompare(startOf(b)) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    for (const j of sorted.slice(0, Math.max(0, sorted.length - limit))) await deleteJob(ctx, cj, j.metadata.name ?? '');
  };
  const live = owned.filter((j) => !j.metadata.deletionTimestamp);
  await prune(live.filter((j) => jobFinishedCondition(j) === 'Complete'), cj.spec.successfulJobsHistoryLimit);
  await prune(live.filter((j) => jobFinishedCondition(j) === 'Failed'), cj.spec.failedJobsHistoryLimit);
}
