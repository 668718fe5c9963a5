// CronJob schedules (Kubernetes parses them with robfig/cron's standard parser): five
// fields (minute hour day-of-month month day-of-week, names and `?` allowed), the
// descriptors @yearly/@annually, @monthly, @weekly, @daily/@midnight, @hourly, and
// `@every <duration>` (Go durations: 90s, 1h30m), interpreted in spec.timeZone. Field
// matching and time zones come from the `cron-parser` package. kubesim interprets a
// schedule without timeZone in UTC (Kubernetes uses the controller manager's local zone).
//   const s = parseSchedule('*/15 * * * *', 'Europe/Berlin'); s.next(t) → first time > t
import { CronExpressionParser } from 'cron-parser';

export interface Schedule {
  /** the first scheduled time strictly after `after` (epoch ms) */
  next(after: number): number;
  /** the last scheduled time at or before `at`, if any is later than `notBefore` */
  latest(at: number, notBefore: number): number | undefined;
}

export class ScheduleError extends Error {
  constructor(
    readonly reason: 'UnparseableSchedule' | 'UnknownTimeZone',
    message: string,
  ) {
    super(message);
  }
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** a Go duration ("1h30m", "2.5s") in ms, or undefined */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (!s || !/^([0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h))+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * UNITS[m[2]!]!;
  return total;
}

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  const tz = timeZone ?? 'UTC';
  if (!validTimeZone(tz)) throw new ScheduleError('UnknownTimeZone', `invalid timeZone: "${tz}"`);
  const text = schedule.trim();
  if (text.startsWith('@every')) {
    const d = parseGoDuration(text.slice('@every'.length));
    if (d === undefined || d <= 0) throw new ScheduleError('UnparseableSchedule', `unparseable schedule: "${schedule}"`);
    return everySchedule(Math.max(1000, Math.round(d / 1000) * 1000));
  }
  const expr = DESCRIPTORS[text] ?? text;
  if (expr.split(/\s+/).length !== 5 || /^(CRON_)?TZ=/.test(expr)) throw new ScheduleError('UnparseableSchedule', `unparseable schedule: "${schedule}"`);
  try {
    CronExpressionParser.parse(expr, { currentDate: new Date(0), tz });
  } catch (err) {
    throw new ScheduleError('UnparseableSchedule', `unparseable schedule: "${schedule}" : ${(err as Error).message}`);
  }
  return {
    next(after) {
      return CronExpressionParser.parse(expr, { currentDate: new Date(after), tz }).next().getTime();
    },
    latest(at, notBefore) {
      // prev() is strictly before its start; begin 1 ms after `at` to include `at` itself
      const t = CronExpressionParser.parse(expr, { currentDate: new Date(at + 1), tz }).prev().getTime();
      return t > notBefore ? t : undefined;
    },
  };
}

/** @every d: runs d after the previous time, at whole seconds (robfig/cron's ConstantDelaySchedule) */
function everySchedule(delay: number): Schedule {
  const next = (after: number): number => Math.floor(after / 1000) * 1000 + delay;
  return {
    next,
    latest(at, notBefore) {
      const first = next(notBefore);
      if (first > at) return undefined;
      return first + Math.floor((at - first) / delay) * delay;
    },
  };
}

/**
 * The most recent unmet schedule time (Kubernetes: mostRecentScheduleTime): the latest
 * scheduled time in (earliest, now], where earliest is the last schedule time (or the
 * creation time), moved up to now - startingDeadlineSeconds when that is later. `missed`
 * counts the schedule times in that window, up to 101 ("too many").
 */
export function mostRecentScheduleTime(sched: Schedule, earliest: number, now: number): { time: number | undefined; missed: number } {
  const first = sched.next(earliest);
  if (first > now) return { time: undefined, missed: 0 };
  let missed = 1;
  for (let t = sched.next(first); t <= now && missed <= 100; t = sched.next(t)) missed++;
  return { time: sched.latest(now, earliest) ?? first, missed };
}
