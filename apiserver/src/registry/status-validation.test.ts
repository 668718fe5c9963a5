// Status writes through the real registry, in process: an invalid one is a 422 Invalid
// naming the field and stores nothing, a valid one passes, and the spec (the stored one) is
// never what makes one fail. Pods, Deployments and Jobs each by their own status rules.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { ApiError, KubeObject } from '@kubesim/shared';
import type { KV } from '@kubesim/store';
import { makeDeployment, makePod, makeRegistryAndStore } from '../test-helpers.ts';
import { objectKey } from './keys.ts';
import type { Registry } from './registry.ts';

type WithStatus = KubeObject & { status?: Record<string, unknown>; spec?: Record<string, unknown> };

let registry: Registry;
let store: KV;
beforeEach(async () => {
  ({ registry, store } = await makeRegistryAndStore());
});
afterEach(async () => {
  await registry.stop();
});

const rejection = async (p: Promise<unknown>): Promise<ApiError> => {
  try {
    await p;
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected the write to fail');
};

const getPod = (name: string): Promise<WithStatus> => registry.get<WithStatus>(resources.pods, name, { namespace: 'default' });

describe('status writes through the registry', () => {
  it('answer an invalid pod status with 422 Invalid naming the field, and store nothing', async () => {
    await registry.create(resources.pods, makePod('p'));
    const before = await getPod('p');
    const body = { ...before, status: { ...before.status, podIP: '10.0.0.300', podIPs: [{ ip: '10.0.0.300' }] } };
    const err = await rejection(registry.update(resources.pods, body, { namespace: 'default', subresource: 'status' }));
    expect(err.status.code).toBe(422);
    expect(err.status.reason).toBe('Invalid');
    expect(err.status.details?.causes).toEqual([
      { reason: 'FieldValueInvalid', field: 'status.podIPs[0]', message: 'Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' },
    ]);
    expect(err.message).toContain('status.podIPs[0]');
    expect(await getPod('p')).toEqual(before);
  });

  it('reject a merge patch of pods/status the same way', async () => {
    await registry.create(resources.pods, makePod('p'));
    const before = await getPod('p');
    const err = await rejection(registry.patch(resources.pods, 'p', { status: { hostIP: '10.1.0.1', hostIPs: [{ ip: '10.1.0.2' }] } }, { type: 'merge', namespace: 'default', subresource: 'status' }));
    expect(err.status.code).toBe(422);
    expect(err.status.details?.causes?.map((c) => c.field)).toEqual(['status.hostIPs[0].ip']);
    expect(await getPod('p')).toEqual(before);
  });

  it('take a valid pod status', async () => {
    await registry.create(resources.pods, makePod('p'));
    const before = await getPod('p');
    const status = { ...before.status, phase: 'Running', hostIP: '10.1.0.1', hostIPs: [{ ip: '10.1.0.1' }], podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }] };
    const r = await registry.update(resources.pods, { ...before, status }, { namespace: 'default', subresource: 'status' });
    expect((r.object as WithStatus).status).toMatchObject({ phase: 'Running', podIP: '10.244.0.5' });
    expect((await getPod('p')).status).toMatchObject({ phase: 'Running', podIP: '10.244.0.5' });
  });

  it('never fail because of the spec: a stored spec the pod rules reject still takes a status', async () => {
    await registry.create(resources.pods, makePod('p'));
    const created = await getPod('p');
    // a spec written around the registry (by another version, say) that validation rejects
    const { metadata, ...rest } = created;
    const { resourceVersion: _rv, ...meta } = metadata;
    const bad = { ...rest, metadata: meta, spec: { ...created.spec, restartPolicy: 'Sometimes' } };
    await store.put(objectKey(resources.pods, 'default', 'p'), JSON.stringify(bad));
    const stored = await getPod('p');
    expect(stored.spec?.['restartPolicy']).toBe('Sometimes');
    // the whole pod fails on its spec
    const put = await rejection(registry.update(resources.pods, { ...stored, metadata: { ...stored.metadata, labels: { a: 'b' } } }, { namespace: 'default' }));
    expect(put.status.details?.causes?.map((c) => c.field)).toContain('spec.restartPolicy');
    // its status does not: neither the body's own spec nor the stored one is checked
    const body = { ...stored, spec: { containers: [] }, status: { ...stored.status, phase: 'Running' } };
    const r = await registry.update(resources.pods, body, { namespace: 'default', subresource: 'status' });
    expect((r.object as WithStatus).status?.['phase']).toBe('Running');
    expect((r.object as WithStatus).spec?.['restartPolicy']).toBe('Sometimes');
  });

  it('keep a pod\'s qosClass: a status without one keeps the stored one, another one is refused', async () => {
    await registry.create(resources.pods, makePod('p'));
    const before = await getPod('p');
    expect(before.status?.['qosClass']).toBe('BestEffort');
    const { qosClass: _q, ...withoutQOS } = before.status ?? {};
    const r = await registry.update(resources.pods, { ...before, status: { ...withoutQOS, phase: 'Running' } }, { namespace: 'default', subresource: 'status' });
    expect((r.object as WithStatus).status).toMatchObject({ phase: 'Running', qosClass: 'BestEffort' });
    // a merge patch that empties status keeps it too
    const cleared = await registry.patch(resources.pods, 'p', { status: null }, { type: 'merge', namespace: 'default', subresource: 'status' });
    expect((cleared.object as WithStatus).status).toEqual({ qosClass: 'BestEffort' });
    const stored = await getPod('p');
    const err = await rejection(registry.update(resources.pods, { ...stored, status: { ...stored.status, qosClass: 'Guaranteed' } }, { namespace: 'default', subresource: 'status' }));
    expect(err.status.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'status.qosClass', message: 'Invalid value: "Guaranteed": field is immutable' }]);
    expect(await getPod('p')).toEqual(stored);
  });

  it('check a Deployment status by the Deployment status rules, and take a valid one', async () => {
    await registry.create(resources.deployments, makeDeployment('web', 3));
    const d = await registry.get<WithStatus>(resources.deployments, 'web', { namespace: 'default' });
    const err = await rejection(registry.update(resources.deployments, { ...d, status: { replicas: 3, readyReplicas: 2, availableReplicas: 3 } }, { namespace: 'default', subresource: 'status' }));
    expect(err.status.code).toBe(422);
    expect(err.status.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'status.availableReplicas', message: 'Invalid value: 3: cannot be greater than readyReplicas' }]);
    const r = await registry.update(resources.deployments, { ...d, status: { replicas: 3, readyReplicas: 3, availableReplicas: 3 } }, { namespace: 'default', subresource: 'status' });
    expect((r.object as WithStatus).status).toMatchObject({ availableReplicas: 3 });
  });

  it('check a Job status by the Job status rules: a rejected write changes nothing stored', async () => {
    const job = {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox' }] } } },
    };
    await registry.create(resources.jobs, job as KubeObject);
    const getJob = (): Promise<WithStatus> => registry.get<WithStatus>(resources.jobs, 'pi', { namespace: 'default' });
    const created = await getJob();
    const started = { startTime: '2026-01-01T10:00:00Z', active: 1, ready: 1, uncountedTerminatedPods: {} };
    const running = (await registry.update(resources.jobs, { ...created, status: started }, { namespace: 'default', subresource: 'status' })).object as WithStatus;
    // Complete without SuccessCriteriaMet and without completionTime, with a pod still active
    const body = { ...running, status: { ...started, conditions: [{ type: 'Complete', status: 'True' }] } };
    const err = await rejection(registry.update(resources.jobs, body, { namespace: 'default', subresource: 'status' }));
    expect(err.status.code).toBe(422);
    expect(err.status.reason).toBe('Invalid');
    expect(err.status.details?.causes).toEqual([
      { reason: 'FieldValueRequired', field: 'status.completionTime', message: 'Required value: completionTime is required for Complete jobs' },
      { reason: 'FieldValueInvalid', field: 'status.conditions', message: 'Invalid value: cannot set Complete=True condition without the SuccessCriteriaMet=true condition' },
      { reason: 'FieldValueInvalid', field: 'status.active', message: 'Invalid value: 1: active>0 is invalid for finished job' },
    ]);
    expect(await getJob()).toEqual(running);
    // a merge patch claiming more ready pods than active ones is refused the same way
    const patched = await rejection(registry.patch(resources.jobs, 'pi', { status: { ready: 2 } }, { type: 'merge', namespace: 'default', subresource: 'status' }));
    expect(patched.status.details?.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'status.ready', message: 'Invalid value: 2: cannot set more ready pods than active' }]);
    expect(await getJob()).toEqual(running);
  });
});
