// The traced client: each call reaches the apiserver exactly one turn later (or after the
// injected latency), so components interleave as they always have, and each write lands
// in the trace as one entry holding only the members that have a value.
import { describe, expect, it } from 'vitest';
import { conflict, resources, VirtualClock } from '@kubesim/shared';
import type { Client, KubeObject } from '@kubesim/shared';
import { noFaults } from './faults.ts';
import type { FaultState } from './faults.ts';
import { Trace } from './trace.ts';
import { traceClient } from './traced-client.ts';

const EPOCH = 1_000_000;

/** an inner client whose update and patch answer at once, and that counts its calls */
function stubClient(): { client: Client; calls: string[] } {
  const calls: string[] = [];
  const client = {
    update: async (_type: unknown, obj: KubeObject) => {
      calls.push('update');
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: '7' } };
    },
    patch: async (_type: unknown, name: string) => {
      calls.push('patch');
      throw conflict('configmaps', '', name, 'the object has been modified');
    },
    get: async (_type: unknown, name: string) => {
      calls.push('get');
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } };
    },
  } as unknown as Client;
  return { client, calls };
}

const cm = (): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', resourceVersion: '6' } });

describe('traceClient', () => {
  it('reaches the inner client exactly one turn after a call without latency', async () => {
    const { client, calls } = stubClient();
    const clock = new VirtualClock(EPOCH);
    const traced = traceClient(client, 'kubelet', clock, new Trace('writes', EPOCH), noFaults);
    const writing = traced.update(resources.configmaps, cm(), { namespace: 'ns' });
    const reading = traced.get(resources.configmaps, 'c', { namespace: 'ns' });
    expect(calls).toEqual([]);
    await Promise.resolve();
    expect(calls).toEqual(['update', 'get']);
    await Promise.all([writing, reading]);
  });

  it('waits out the injected latency on the clock before reaching the inner client', async () => {
    const { client, calls } = stubClient();
    const clock = new VirtualClock(EPOCH);
    const faults: FaultState = { ...noFaults(), latencyMs: 50 };
    const traced = traceClient(client, 'kubelet', clock, new Trace('writes', EPOCH), () => faults);
    const writing = traced.update(resources.configmaps, cm(), { namespace: 'ns' });
    await clock.advance(49);
    expect(calls).toEqual([]);
    await clock.advance(1);
    expect(calls).toEqual(['update']);
    await writing;
  });

  it('records each write with only the members that have a value, at virtual time since the epoch', async () => {
    const { client } = stubClient();
    const clock = new VirtualClock(EPOCH + 2_500);
    const trace = new Trace('writes', EPOCH);
    const traced = traceClient(client, 'kubelet', clock, trace, noFaults);
    await traced.update(resources.configmaps, cm(), { namespace: 'ns', subresource: 'status' });
    await expect(traced.patch(resources.configmaps, 'd', {}, { type: 'merge', namespace: 'ns' })).rejects.toThrow();
    await traced.get(resources.configmaps, 'c', { namespace: 'ns' });
    expect(trace.entries).toStrictEqual([
      { t: 2_500, component: 'kubelet', op: 'update', resource: 'configmaps', namespace: 'ns', name: 'c', detail: 'status', resourceVersion: '7' },
      { t: 2_500, component: 'kubelet', op: 'patch', resource: 'configmaps', namespace: 'ns', name: 'd', error: 'Conflict' },
    ]);
    expect(trace.toText()).toBe('2.500s kubelet update:status configmaps/ns/c rv=7\n2.500s kubelet patch configmaps/ns/d error=Conflict');
  });

  it('records nothing when the trace keeps no writes', async () => {
    const { client, calls } = stubClient();
    const trace = new Trace('none', EPOCH);
    const traced = traceClient(client, 'kubelet', new VirtualClock(EPOCH), trace, noFaults);
    await traced.update(resources.configmaps, cm(), { namespace: 'ns' });
    expect(calls).toEqual(['update']);
    expect(trace.entries).toEqual([]);
  });
});
