import { describe, expect, it } from 'vitest';
import type { StatusCause } from '../../errors.ts';
import { makePod } from '../fixtures.ts';
import { podKind, type Pod } from './pod.ts';
import type { ContainerStatus } from './pod-status.ts';
import { validatePodStatusUpdate } from './pod-status-validation.ts';

type Over = Parameters<typeof makePod>[0];

/** a stored pod as the registry holds it: defaulted, with the status create gives it */
const stored = (over?: Over): Pod => {
  const p = makePod(over);
  podKind.setDefaults(p);
  p.status = { phase: 'Pending', qosClass: 'BestEffort', ...p.status };
  return p;
};

/** a status write over `old`: the stored spec and metadata, `status` changed by `change` */
const statusWrite = (old: Pod, change: (s: NonNullable<Pod['status']>) => void): Pod => {
  const next = structuredClone(old);
  change((next.status ??= {}));
  return next;
};

const only = (causes: StatusCause[]): StatusCause => {
  expect(causes).toHaveLength(1);
  return causes[0]!;
};

const terminated = (name: string, exitCode: number): ContainerStatus => ({
  name, ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { terminated: { exitCode } },
});
const running = (name: string): ContainerStatus => ({ name, ready: true, restartCount: 1, image: 'nginx', imageID: '', state: { running: {} } });

describe('validatePodStatusUpdate', () => {
  it('accepts a kubelet status: phase, conditions, IPs and container statuses', () => {
    const old = stored();
    const next = statusWrite(old, (s) => {
      s.phase = 'Running';
      s.conditions = [{ type: 'Ready', status: 'True' }, { type: 'ContainersReady', status: 'True' }];
      s.hostIP = '10.1.0.1';
      s.hostIPs = [{ ip: '10.1.0.1' }];
      s.podIP = '10.244.0.5';
      s.podIPs = [{ ip: '10.244.0.5' }];
      s.containerStatuses = [running('c')];
    });
    expect(validatePodStatusUpdate(next, old)).toEqual([]);
  });

  it('rejects a phase Kubernetes does not know (kubesim rule), as every pod write does', () => {
    const old = stored();
    const next = statusWrite(old, (s) => { s.phase = 'Sleeping'; });
    const want = { reason: 'FieldValueNotSupported', field: 'status.phase', message: 'Unsupported value: "Sleeping": supported values: "Pending", "Running", "Succeeded", "Failed", "Unknown"' };
    expect(only(validatePodStatusUpdate(next, old))).toEqual(want);
    expect(podKind.validate(next)).toContainEqual(want);
  });

  it('takes custom condition types that are qualified names, and rejects others under Kubernetes\' path', () => {
    const old = stored();
    expect(validatePodStatusUpdate(statusWrite(old, (s) => { s.conditions = [{ type: 'example.com/Drained', status: 'True' }]; }), old)).toEqual([]);
    const bad = statusWrite(old, (s) => { s.conditions = [{ type: 'Ready', status: 'True' }, { type: 'not ok', status: 'True' }]; });
    const cause = only(validatePodStatusUpdate(bad, old));
    expect(cause.field).toBe('metadata.conditions[1].Type');
    expect(cause.reason).toBe('FieldValueInvalid');
    expect(cause.message).toMatch(/^Invalid value: "not ok": name part must consist of alphanumeric characters/);
  });

  it('forbids a spec.nodeName that differs from the stored one (bindings set it)', () => {
    const old = stored({ spec: { nodeName: 'n1' } });
    expect(validatePodStatusUpdate(structuredClone(old), old)).toEqual([]);
    const moved = structuredClone(old);
    moved.spec!.nodeName = 'n2';
    expect(only(validatePodStatusUpdate(moved, old))).toEqual({ reason: 'FieldValueForbidden', field: 'status.nodeName', message: 'Forbidden: may not be changed directly' });
  });

  it('checks a new nominatedNodeName as a node name, and lets an unchanged one be', () => {
    const old = stored();
    expect(validatePodStatusUpdate(statusWrite(old, (s) => { s.nominatedNodeName = 'node-1'; }), old)).toEqual([]);
    const bad = statusWrite(old, (s) => { s.nominatedNodeName = 'Node_1'; });
    const cause = only(validatePodStatusUpdate(bad, old));
    expect(cause.field).toBe('status.nominatedNodeName');
    expect(cause.message).toMatch(/^Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of/);
    // a value already stored is not checked again
    expect(validatePodStatusUpdate(structuredClone(bad), bad)).toEqual([]);
  });

  it('keeps qosClass as stored: the same one passes, another (or none, which the registry fills first) is immutable', () => {
    const old = stored();
    expect(validatePodStatusUpdate(statusWrite(old, (s) => { s.qosClass = 'BestEffort'; s.phase = 'Running'; }), old)).toEqual([]);
    const changed = statusWrite(old, (s) => { s.qosClass = 'Guaranteed'; });
    expect(validatePodStatusUpdate(changed, old)).toEqual([{ reason: 'FieldValueInvalid', field: 'status.qosClass', message: 'Invalid value: "Guaranteed": field is immutable' }]);
    const dropped = statusWrite(old, (s) => { delete s.qosClass; });
    expect(validatePodStatusUpdate(dropped, old)).toEqual([{ reason: 'FieldValueInvalid', field: 'status.qosClass', message: 'Invalid value: "": field is immutable' }]);
  });

  it('keeps a terminated container terminated under restartPolicy Never', () => {
    const old = stored({ spec: { restartPolicy: 'Never' } });
    old.status!.containerStatuses = [terminated('c', 0)];
    expect(validatePodStatusUpdate(statusWrite(old, (s) => { s.containerStatuses = [terminated('c', 0)]; }), old)).toEqual([]);
    const restarted = statusWrite(old, (s) => { s.containerStatuses = [running('c')]; });
    expect(only(validatePodStatusUpdate(restarted, old))).toEqual({
      reason: 'FieldValueForbidden', field: 'status.containerStatuses[0].state', message: 'Forbidden: may not be transitioned to non-terminated state',
    });
  });

  it('lets a failed container run again under OnFailure, but not one that succeeded', () => {
    const failed = stored({ spec: { restartPolicy: 'OnFailure' } });
    failed.status!.containerStatuses = [terminated('c', 1)];
    expect(validatePodStatusUpdate(statusWrite(failed, (s) => { s.containerStatuses = [running('c')]; }), failed)).toEqual([]);
    const succeeded = stored({ spec: { restartPolicy: 'OnFailure' } });
    succeeded.status!.containerStatuses = [terminated('c', 0)];
    const cause = only(validatePodStatusUpdate(statusWrite(succeeded, (s) => { s.containerStatuses = [running('c')]; }), succeeded));
    expect(cause.field).toBe('status.containerStatuses[0].state');
  });

  it('lets any container run again under restartPolicy Always', () => {
    const old = stored();
    old.status!.containerStatuses = [terminated('c', 0)];
    expect(validatePodStatusUpdate(statusWrite(old, (s) => { s.containerStatuses = [running('c')]; }), old)).toEqual([]);
  });

  it('lets a sidecar init container restart, not a plain init container', () => {
    const old = stored({
      spec: { restartPolicy: 'Never', initContainers: [{ name: 'side', image: 'envoy', restartPolicy: 'Always' }, { name: 'init', image: 'busybox' }] },
    });
    old.status!.initContainerStatuses = [terminated('side', 0), terminated('init', 0)];
    const sideAgain = statusWrite(old, (s) => { s.initContainerStatuses = [running('side'), terminated('init', 0)]; });
    expect(validatePodStatusUpdate(sideAgain, old)).toEqual([]);
    const initAgain = statusWrite(old, (s) => { s.initContainerStatuses = [terminated('side', 0), running('init')]; });
    expect(only(validatePodStatusUpdate(initAgain, old)).field).toBe('status.initContainerStatuses[1].state');
  });

  it('never lets an ephemeral container leave the terminated state, whatever the policy', () => {
    const old = stored();
    old.status!.ephemeralContainerStatuses = [terminated('debug', 0)];
    expect(validatePodStatusUpdate(statusWrite(old, () => undefined), old)).toEqual([]);
    const again = statusWrite(old, (s) => { s.ephemeralContainerStatuses = [running('debug')]; });
    expect(only(validatePodStatusUpdate(again, old)).field).toBe('status.ephemeralContainerStatuses[0].state');
  });

  it('matches resourceClaimStatuses to spec.resourceClaims, each once', () => {
    const old = stored({ spec: { resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 'gpu-template' }] } });
    expect(validatePodStatusUpdate(statusWrite(old, (s) => { s.resourceClaimStatuses = [{ name: 'gpu', resourceClaimName: 'p-gpu-x1' }]; }), old)).toEqual([]);
    const unknown = statusWrite(old, (s) => { s.resourceClaimStatuses = [{ name: 'fpga' }]; });
    expect(only(validatePodStatusUpdate(unknown, old))).toEqual({
      reason: 'FieldValueInvalid', field: 'status.resourceClaimStatuses[0].name', message: 'Invalid value: "fpga": must match the name of an entry in `spec.resourceClaims`',
    });
    const twice = statusWrite(old, (s) => { s.resourceClaimStatuses = [{ name: 'gpu' }, { name: 'gpu' }]; });
    expect(only(validatePodStatusUpdate(twice, old))).toEqual({ reason: 'FieldValueDuplicate', field: 'status.resourceClaimStatuses[1].name', message: 'Duplicate value: "gpu"' });
  });

  it('takes podIPs that are valid IPs, one of each family', () => {
    const old = stored();
    expect(validatePodStatusUpdate(statusWrite(old, (s) => { s.podIPs = [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }]; }), old)).toEqual([]);
    const bad = statusWrite(old, (s) => { s.podIPs = [{ ip: '10.0.0.300' }]; });
    expect(only(validatePodStatusUpdate(bad, old))).toEqual({
      reason: 'FieldValueInvalid', field: 'status.podIPs[0]', message: 'Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    });
    const twoV4 = statusWrite(old, (s) => { s.podIPs = [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }]; });
    const cause = only(validatePodStatusUpdate(twoV4, old));
    expect(cause.field).toBe('status.podIPs');
    expect(cause.message).toMatch(/: may specify no more than one IP for each IP family$/);
  });

  it('reports a podIP listed twice as a duplicate (and as two of one family)', () => {
    const old = stored();
    const twice = statusWrite(old, (s) => { s.podIPs = [{ ip: '10.0.0.1' }, { ip: '10.0.0.1' }]; });
    const causes = validatePodStatusUpdate(twice, old);
    expect(causes.map((c) => [c.field, c.reason])).toEqual([['status.podIPs', 'FieldValueInvalid'], ['status.podIPs[1]', 'FieldValueDuplicate']]);
  });

  it('requires hostIPs[0] to be hostIP', () => {
    const old = stored();
    expect(validatePodStatusUpdate(statusWrite(old, (s) => { s.hostIP = '10.1.0.1'; s.hostIPs = [{ ip: '10.1.0.1' }, { ip: 'fd01::1' }]; }), old)).toEqual([]);
    const other = statusWrite(old, (s) => { s.hostIP = '10.1.0.1'; s.hostIPs = [{ ip: '10.1.0.2' }]; });
    expect(only(validatePodStatusUpdate(other, old))).toEqual({ reason: 'FieldValueInvalid', field: 'status.hostIPs[0].ip', message: 'Invalid value: "10.1.0.2": must be equal to `hostIP`' });
  });

  it('checks hostIPs as IPs, one of each family', () => {
    const old = stored();
    const bad = statusWrite(old, (s) => { s.hostIP = 'node-a'; s.hostIPs = [{ ip: 'node-a' }]; });
    expect(only(validatePodStatusUpdate(bad, old)).field).toBe('status.hostIPs[0]');
    const twoV6 = statusWrite(old, (s) => { s.hostIP = 'fd01::1'; s.hostIPs = [{ ip: 'fd01::1' }, { ip: 'fd01::2' }]; });
    expect(only(validatePodStatusUpdate(twoV6, old)).field).toBe('status.hostIPs');
  });
});

describe('podKind.validateStatusUpdate', () => {
  /** a stored pod whose spec the pod rules reject (written around the registry) */
  const withBadSpec = (): Pod => {
    const p = stored();
    p.spec!.restartPolicy = 'Sometimes';
    return p;
  };

  it('never fails because of the spec, where an update of the whole pod does', () => {
    const old = withBadSpec();
    const next = statusWrite(old, (s) => { s.phase = 'Running'; });
    expect(podKind.validateUpdate(next, old).map((c) => c.field)).toContain('spec.restartPolicy');
    expect(podKind.validateStatusUpdate(next, old)).toEqual([]);
  });

  it('still reports the status rules, the types and the ObjectMeta update rules', () => {
    const old = stored();
    const badIP = statusWrite(old, (s) => { s.podIP = 'x'; s.podIPs = [{ ip: 'x' }]; });
    expect(podKind.validateStatusUpdate(badIP, old).map((c) => c.field)).toEqual(['status.podIPs[0]']);
    const badType = statusWrite(old, (s) => { (s as Record<string, unknown>)['phase'] = 5; });
    expect(podKind.validateStatusUpdate(badType, old)).toEqual([{ reason: 'FieldValueInvalid', field: 'status.phase', message: 'Invalid value: 5: must be of type string' }]);
    const renamed = statusWrite(old, () => undefined);
    renamed.metadata.name = 'other';
    expect(podKind.validateStatusUpdate(renamed, old).map((c) => c.field)).toEqual(['metadata.name']);
  });

  it('checks the new status on its own when the stored pod is not well-typed', () => {
    const old = stored();
    (old.spec as Record<string, unknown>)['containers'] = 'not a list';
    const next = statusWrite(stored(), (s) => { s.phase = 'Sleeping'; });
    expect(podKind.validateStatusUpdate(next, old).map((c) => c.field)).toEqual(['status.phase']);
  });
});
