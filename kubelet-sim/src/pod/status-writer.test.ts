import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@kubesim/shared';
import type { Client } from '@kubesim/shared';
import { TimerQueue } from '../timer-queue.ts';
import { Limiter } from '../util/limiter.ts';
import type { PodStatus } from '../types.ts';
import type { PodWorker } from './pod-worker.ts';
import { StatusWriter } from './status-writer.ts';

/** a worker as the writer sees it: a name and a status that tests change at will */
function stubWorker(name: string): PodWorker & { phase: string } {
  const w = {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    key: `default/${name}`,
    closed: false,
    phase: 'Pending',
    status: (): PodStatus => ({ phase: w.phase }),
  };
  return w as unknown as PodWorker & { phase: string };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

interface Call {
  verb: 'patch' | 'delete';
  name: string;
  body: { status: { phase: string } } | undefined;
  opts: unknown;
  settled: boolean;
  done: () => void;
}

/** a client whose patches and deletes wait until the test lets them finish */
function heldClient(): { client: Client; calls: Call[]; open: () => Call[]; finishAll: () => Promise<void> } {
  const calls: Call[] = [];
  let revision = 0;
  const wait = (verb: Call['verb'], name: string, body: unknown, opts: unknown) =>
    new Promise<never>((resolve) => {
      // answers as the apiserver does to a write asking for metadata only: the written pod's
      // metadata, with a new resourceVersion
      const answer = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name, resourceVersion: String(++revision) } };
      const call: Call = { verb, name, body: body as Call['body'], opts, settled: false, done: () => ((call.settled = true), resolve(answer as never)) };
      calls.push(call);
    });
  const client = {
    patch: (_t: unknown, name: string, body: unknown, opts: unknown) => wait('patch', name, body, opts),
    delete: (_t: unknown, name: string, opts: unknown) => wait('delete', name, undefined, opts),
  } as unknown as Client;
  const open = () => calls.filter((c) => !c.settled);
  return {
    client,
    calls,
    open,
    async finishAll() {
      for (let pending = open(); pending.length > 0; pending = open()) {
        for (const c of pending) c.done();
        await flush();
      }
    },
  };
}

function setup(maxInFlight = 64) {
  const clock = new VirtualClock(Date.UTC(2025, 0, 1));
  const timers = new TimerQueue(clock);
  const held = heldClient();
  const gone: string[] = [];
  const writer = new StatusWriter({ client: held.client, limiter: new Limiter(maxInFlight), timers, logger: { debug() {}, info() {}, warn() {}, error() {} } as never, gone: (w) => gone.push(w.name), maxInFlight });
  return { clock, writer, gone, ...held };
}

describe('StatusWriter', () => {
  it('writes the changes a pod makes within the batch window once, as they stand when the write goes out', async () => {
    const { clock, writer, calls } = setup();
    const w = stubWorker('a');
    writer.mark(w);
    w.phase = 'Running';
    writer.mark(w);
    await clock.advance(99);
    expect(calls).toHaveLength(0);
    await clock.advance(1);
    await flush();
    expect(calls.map((c) => `${c.name} ${c.body?.status.phase}`)).toEqual(['a Running']);
    expect(calls[0]!.opts).toMatchObject({ type: 'merge', subresource: 'status', namespace: 'default', answer: 'metadata' });
  });

  it('keeps at most maxInFlight writes in flight and writes the waiting pods oldest first as slots free', async () => {
    const { clock, writer, calls, open, finishAll } = setup(2);
    const pods = ['a', 'b', 'c', 'd', 'e'].map(stubWorker);
    for (const w of pods) writer.mark(w);
    await clock.advance(100);
    await flush();
    expect(open().map((c) => c.name)).toEqual(['a', 'b']);
    expect(writer.backlog).toBe(5);
    calls[0]!.done();
    await flush();
    expect(open().map((c) => c.name)).toEqual(['b', 'c']);
    await finishAll();
    expect(calls.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(writer.backlog).toBe(0);
    expect(writer.counts.patches).toBe(5);
  });

  it('coalesces changes made while a write is in flight into one later write, and skips a status already written', async () => {
    const { clock, writer, calls, finishAll } = setup();
    const w = stubWorker('a');
    writer.mark(w);
    await clock.advance(100);
    await flush();
    expect(calls).toHaveLength(1);
    w.phase = 'Running';
    writer.mark(w);
    w.phase = 'Succeeded';
    writer.mark(w);
    await clock.advance(100);
    await flush();
    expect(calls).toHaveLength(1); // still in flight: the next write waits for it
    await finishAll();
    await clock.advance(100);
    await finishAll();
    expect(calls.map((c) => c.body?.status.phase)).toEqual(['Pending', 'Succeeded']);
    writer.mark(w); // nothing changed since the last write
    await clock.advance(100);
    await finishAll();
    expect(calls).toHaveLength(2);
    expect(writer.counts.skipped).toBe(1);
  });

  it('writes the final status, then deletes the pod with grace period 0 on its uid', async () => {
    const { clock, writer, calls, finishAll, gone } = setup();
    const w = stubWorker('a');
    w.phase = 'Succeeded';
    writer.markFinal(w);
    await clock.advance(100);
    await finishAll();
    expect(calls.map((c) => c.verb)).toEqual(['patch', 'delete']);
    expect(calls[1]!.opts).toMatchObject({ gracePeriodSeconds: 0, preconditions: { uid: 'uid-a' } });
    expect(gone).toEqual(['a']);
  });

  it('writes an unchanged status again once a newer pod shows that someone else changed it, and clears reason and message', async () => {
    const { clock, writer, calls, finishAll } = setup();
    const w = stubWorker('a');
    w.phase = 'Running';
    writer.mark(w);
    await clock.advance(100);
    await finishAll();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body?.status).toEqual({ phase: 'Running', reason: null, message: null });
    const pod = (rv: string, phase: string) => ({ metadata: { name: 'a', resourceVersion: rv }, status: { phase } }) as never;
    writer.observed(w, pod('1', 'Pending')); // not newer than our write: ignored
    writer.observed(w, pod('2', 'Running')); // newer, and still what we wrote
    writer.mark(w);
    await clock.advance(100);
    await finishAll();
    expect(calls).toHaveLength(1);
    expect(writer.counts).toMatchObject({ skipped: 1, reconciled: 0 });
    writer.observed(w, pod('3', 'Pending')); // someone else changed the phase
    await clock.advance(100);
    await finishAll();
    expect(calls.map((c) => c.body?.status.phase)).toEqual(['Running', 'Running']);
    expect(writer.counts).toMatchObject({ patches: 2, reconciled: 1 });
    writer.mark(w); // and the write after that is skipped again
    await clock.advance(100);
    await finishAll();
    expect(calls).toHaveLength(2);
  });
});
