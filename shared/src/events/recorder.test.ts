import { describe, it, expect } from 'vitest';
import { createEventRecorder, EVENT_AGGREGATION_WINDOW_MS, type RecordedEvent } from './recorder.ts';
import type { Client } from '../client/types.ts';
import type { Clock } from '../clock.ts';
import type { KubeObject } from '../api/meta.ts';
import { resources } from '../api/resources.ts';
import { alreadyExists, notFound, forbidden } from '../errors.ts';
import { seededRandom } from '../random.ts';
import type { LoggerLike } from '../logger-like.ts';

interface Call {
  verb: 'create' | 'patch';
  resource: string;
  name: string;
  namespace: string | undefined;
  body: unknown;
  patchType?: string;
}

/** a Client that only records create/patch; `failures` makes the next calls of a verb throw */
function fakeClient() {
  const calls: Call[] = [];
  const failures: Record<string, unknown[]> = { create: [], patch: [] };
  const notUsed = (): never => {
    throw new Error('not used by the recorder');
  };
  const client = {
    get: notUsed,
    list: notUsed,
    watch: notUsed,
    update: notUsed,
    delete: notUsed,
    deleteCollection: notUsed,
    getSubresource: notUsed,
    createSubresource: notUsed,
    updateSubresource: notUsed,
    logs: notUsed,
    logStream: notUsed,
    async create(type, obj, opts) {
      calls.push({ verb: 'create', resource: type.resource, name: obj.metadata.name ?? '', namespace: opts?.namespace, body: structuredClone(obj) });
      const err = failures['create']?.shift();
      if (err) throw err;
      return obj;
    },
    async patch(type, name, patch, opts) {
      calls.push({ verb: 'patch', resource: type.resource, name, namespace: opts.namespace, body: patch, patchType: opts.type });
      const err = failures['patch']?.shift();
      if (err) throw err;
      return { metadata: { name } } as never;
    },
  } as Client;
  return { client, calls, failures };
}

/** a clock that moves only when told */
function manualClock(startMs: number): Clock & { advance(ms: number): void } {
  let t = startMs;
  const unused = (): never => {
    throw new Error('timers not used');
  };
  return { now: () => t, advance: (ms) => void (t += ms), setTimeout: unused, clearTimeout: unused, setInterval: unused, clearInterval: unused, sleep: unused };
}

function collectingLogger(): LoggerLike & { errors: object[] } {
  const errors: object[] = [];
  return { errors, debug() {}, info() {}, warn() {}, error: (o: object) => void errors.push(o) };
}

const START = Date.UTC(2024, 0, 2, 3, 4, 5);
const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', uid: 'uid-1', resourceVersion: '42' } };
const node: KubeObject = { metadata: { name: 'node-1', uid: 'uid-n' } };

function setup() {
  const fake = fakeClient();
  const clock = manualClock(START);
  const logger = collectingLogger();
  const recorder = createEventRecorder({ client: fake.client, clock, component: 'default-scheduler', logger, random: seededRandom(7) });
  return { ...fake, clock, logger, recorder };
}

/** the nanoseconds in an event name `<object>.<hex nanoseconds>` */
const nanosOf = (name: string): bigint => BigInt(`0x${name.slice(name.lastIndexOf('.') + 1)}`);

describe('EventRecorder', () => {
  it('creates a core/v1 Event describing the object', async () => {
    const { recorder, calls } = setup();
    recorder.event(pod, 'Normal', 'Scheduled', 'Successfully assigned shop/web-1 to node-1');
    await recorder.flush();
    expect(calls).toHaveLength(1);
    const call = calls[0] as Call;
    expect(call).toMatchObject({ verb: 'create', resource: 'events', namespace: 'shop' });
    const ev = call.body as RecordedEvent;
    // named as client-go names it: the clock's nanoseconds in hex (the part below the
    // millisecond drawn from the recorder's random source)
    expect(ev.metadata.name).toMatch(/^web-1\.[0-9a-f]{16}$/);
    const nanos = nanosOf(ev.metadata.name);
    expect(nanos >= BigInt(START) * 1_000_000n && nanos < BigInt(START + 1) * 1_000_000n).toBe(true);
    expect(ev).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: ev.metadata.name, namespace: 'shop' },
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'uid-1', apiVersion: 'v1', resourceVersion: '42' },
      reason: 'Scheduled',
      message: 'Successfully assigned shop/web-1 to node-1',
      type: 'Normal',
      source: { component: 'default-scheduler' },
      firstTimestamp: '2024-01-02T03:04:05Z',
      lastTimestamp: '2024-01-02T03:04:05Z',
      count: 1,
      eventTime: null,
      reportingComponent: 'default-scheduler',
      reportingInstance: '',
    });
  });

  it('puts events about cluster-scoped objects in default and fills kind from the resource type', async () => {
    const { recorder, calls } = setup();
    recorder.event(node, 'Warning', 'NodeNotReady', 'Node is not ready', { resourceType: resources.nodes });
    await recorder.flush();
    const ev = calls[0]?.body as RecordedEvent;
    expect(calls[0]?.namespace).toBe('default');
    expect(ev.metadata.namespace).toBe('default');
    expect(ev.involvedObject).toEqual({ kind: 'Node', name: 'node-1', uid: 'uid-n', apiVersion: 'v1', resourceVersion: '' });
  });

  it('sets source.host and reportingInstance when given a host', async () => {
    const fake = fakeClient();
    const recorder = createEventRecorder({ client: fake.client, clock: manualClock(START), component: 'kubelet', host: 'node-1' });
    recorder.event(pod, 'Normal', 'Pulled', 'image present');
    await recorder.flush();
    expect(fake.calls[0]?.body).toMatchObject({ source: { component: 'kubelet', host: 'node-1' }, reportingInstance: 'node-1' });
  });

  it('gives two events in the same millisecond different names', async () => {
    const { recorder, calls } = setup();
    recorder.event(pod, 'Normal', 'A', 'one');
    recorder.event(pod, 'Normal', 'B', 'two');
    await recorder.flush();
    expect(new Set(calls.map((c) => c.name)).size).toBe(2);
  });

  it('gives events about one object from two components in the same millisecond different names', async () => {
    // the scheduler's Scheduled and the kubelet's Pulling about one pod, at one virtual instant
    const fake = fakeClient();
    const clock = manualClock(START);
    const scheduler = createEventRecorder({ client: fake.client, clock, component: 'default-scheduler', correlate: false, random: seededRandom(1) });
    const kubelet = createEventRecorder({ client: fake.client, clock, component: 'kubelet', host: 'node-1', random: seededRandom(2) });
    scheduler.event(pod, 'Normal', 'Scheduled', 'Successfully assigned shop/web-1 to node-1');
    kubelet.event(pod, 'Normal', 'Pulling', 'Pulling image "nginx"');
    await Promise.all([scheduler.flush(), kubelet.flush()]);
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[0]!.name).not.toBe(fake.calls[1]!.name);
  });

  it('replays its names from a seeded random source, increasing within the millisecond', async () => {
    const names = async (): Promise<string[]> => {
      const fake = fakeClient();
      const r = createEventRecorder({ client: fake.client, clock: manualClock(START), component: 'kubelet', random: seededRandom(42) });
      for (const reason of ['Pulling', 'Pulled', 'Created', 'Started']) r.event(pod, 'Normal', reason, reason);
      await r.flush();
      return fake.calls.map((c) => c.name);
    };
    const first = await names();
    expect(await names()).toEqual(first);
    const nanos = first.map(nanosOf);
    for (let i = 1; i < nanos.length; i++) expect(nanos[i]! > nanos[i - 1]!).toBe(true);
  });

  it('takes a fresh name when its create finds the name taken, and patches that name on a repeat', async () => {
    const { recorder, calls, failures, logger } = setup();
    failures['create']?.push(alreadyExists('events', '', 'web-1.x'));
    recorder.event(pod, 'Normal', 'Scheduled', 'm');
    recorder.event(pod, 'Normal', 'Scheduled', 'm');
    await recorder.flush();
    expect(calls.map((c) => c.verb)).toEqual(['create', 'create', 'patch']);
    expect(calls[1]!.name).not.toBe(calls[0]!.name);
    expect((calls[1]!.body as RecordedEvent).metadata.name).toBe(calls[1]!.name);
    expect(calls[2]).toMatchObject({ name: calls[1]!.name, body: { count: 2 } });
    expect(logger.errors).toHaveLength(0);
  });

  it('patches count and lastTimestamp when the same event repeats within 10 minutes', async () => {
    const { recorder, calls, clock } = setup();
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    clock.advance(60_000);
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    clock.advance(60_000);
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await recorder.flush();
    expect(calls.map((c) => c.verb)).toEqual(['create', 'patch', 'patch']);
    const name = calls[0]?.name;
    expect(calls[1]).toMatchObject({ name, namespace: 'shop', patchType: 'merge', body: { count: 2, lastTimestamp: '2024-01-02T03:05:05Z' } });
    expect(calls[2]).toMatchObject({ name, body: { count: 3, lastTimestamp: '2024-01-02T03:06:05Z' } });
  });

  it('creates a new event when the message, reason or object differs', async () => {
    const { recorder, calls } = setup();
    recorder.event(pod, 'Warning', 'BackOff', 'one');
    recorder.event(pod, 'Warning', 'BackOff', 'two');
    recorder.event(pod, 'Warning', 'Failed', 'one');
    recorder.event({ ...pod, metadata: { ...pod.metadata, uid: 'uid-2' } }, 'Warning', 'BackOff', 'one');
    await recorder.flush();
    expect(calls.map((c) => c.verb)).toEqual(['create', 'create', 'create', 'create']);
  });

  it('starts a new event once the repeat comes after the 10-minute window', async () => {
    const { recorder, calls, clock } = setup();
    recorder.event(pod, 'Normal', 'Pulled', 'pulled');
    clock.advance(EVENT_AGGREGATION_WINDOW_MS + 1000);
    recorder.event(pod, 'Normal', 'Pulled', 'pulled');
    await recorder.flush();
    expect(calls.map((c) => c.verb)).toEqual(['create', 'create']);
    expect(calls[1]?.name).not.toBe(calls[0]?.name);
    expect((calls[1]?.body as RecordedEvent).count).toBe(1);
  });

  it('recreates the event under the same name when the patch finds it deleted', async () => {
    const { recorder, calls, failures } = setup();
    recorder.event(pod, 'Normal', 'X', 'm');
    failures['patch']?.push(notFound('events', '', 'gone'));
    recorder.event(pod, 'Normal', 'X', 'm');
    await recorder.flush();
    expect(calls.map((c) => c.verb)).toEqual(['create', 'patch', 'create']);
    expect(calls[2]?.name).toBe(calls[0]?.name);
    expect((calls[2]?.body as RecordedEvent).count).toBe(2);
  });

  it('never throws to the caller and logs write failures', async () => {
    const { recorder, calls, failures, logger } = setup();
    failures['create']?.push(forbidden('events is forbidden'));
    expect(() => recorder.event(pod, 'Normal', 'X', 'm')).not.toThrow();
    recorder.event(pod, 'Normal', 'Y', 'n');
    await recorder.flush();
    expect(calls).toHaveLength(2);
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toMatchObject({ reason: 'X', err: 'events is forbidden' });
  });

  it('drops an unsupported event type with a log line', async () => {
    const { recorder, calls, logger } = setup();
    recorder.event(pod, 'Info' as 'Normal', 'X', 'm');
    await recorder.flush();
    expect(calls).toHaveLength(0);
    expect(logger.errors).toHaveLength(1);
  });
});

describe('EventRecorder correlation (client-go EventCorrelator)', () => {
  const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default', uid: 'u1', resourceVersion: '1' } };

  it('combines the 10th distinct message of one object and reason, and counts later ones on that event', async () => {
    const { client, calls } = fakeClient();
    const clock = manualClock(Date.parse('2025-01-01T00:00:00Z'));
    const r = createEventRecorder({ client, clock, component: 'replicaset-controller' });
    for (let i = 0; i < 12; i++) {
      r.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: web-1-${i}`);
      clock.advance(1);
    }
    await r.flush();
    expect(calls.slice(0, 9).map((c) => [c.verb, (c.body as RecordedEvent).message])).toEqual(Array.from({ length: 9 }, (_, i) => ['create', `Created pod: web-1-${i}`]));
    expect(calls[9]).toMatchObject({ verb: 'create', body: { message: '(combined from similar events): Created pod: web-1-9', count: 1 } });
    const combinedName = calls[9]!.name;
    expect(calls.slice(10)).toEqual([
      expect.objectContaining({ verb: 'patch', name: combinedName, body: expect.objectContaining({ count: 2, message: '(combined from similar events): Created pod: web-1-10' }) }),
      expect.objectContaining({ verb: 'patch', name: combinedName, body: expect.objectContaining({ count: 3, message: '(combined from similar events): Created pod: web-1-11' }) }),
    ]);
  });

  it('lets a source burst 25 events about one object, then one per 5 minutes', async () => {
    const { client, calls } = fakeClient();
    const clock = manualClock(Date.parse('2025-01-01T00:00:00Z'));
    const r = createEventRecorder({ client, clock, component: 'replicaset-controller' });
    for (let i = 0; i < 100; i++) r.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: web-1-${i}`);
    r.event({ ...rs, metadata: { ...rs.metadata, name: 'other', uid: 'u2' } }, 'Normal', 'SuccessfulCreate', 'Created pod: other-0');
    await r.flush();
    expect(calls).toHaveLength(26);
    expect(calls[25]!.body).toMatchObject({ involvedObject: { name: 'other' } });
    clock.advance(5 * 60 * 1000);
    r.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-1-100');
    r.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-1-101');
    await r.flush();
    expect(calls).toHaveLength(27);
    // the dropped events were still counted on the combined event
    expect(calls[26]).toMatchObject({ verb: 'patch', body: { count: 92, message: '(combined from similar events): Created pod: web-1-100' } });
  });

  it('without correlate writes every event, as the events API does', async () => {
    const { client, calls } = fakeClient();
    const clock = manualClock(Date.parse('2025-01-01T00:00:00Z'));
    const r = createEventRecorder({ client, clock, component: 'default-scheduler', correlate: false });
    for (let i = 0; i < 40; i++) r.event(rs, 'Normal', 'Scheduled', `Successfully assigned default/web-1-${i} to node-${i}`);
    await r.flush();
    expect(calls).toHaveLength(40);
    expect(calls.every((c) => c.verb === 'create' && !(c.body as RecordedEvent).message.startsWith('(combined'))).toBe(true);
  });
});
