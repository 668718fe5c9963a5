import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StatusCause } from '../../errors.ts';
import { makeObject } from '../fixtures.ts';
import type { DaemonSet } from './daemonset.ts';
import { daemonSetKind } from './daemonset.ts';
import { deploymentKind, type Deployment } from './deployment.ts';
import { replicaSetKind, type ReplicaSet } from './replicaset.ts';
import { statefulSetKind, type StatefulSet } from './statefulset.ts';
import {
  validateDaemonSetStatus,
  validateDeploymentStatus,
  validateReplicaSetStatus,
  validateStatefulSetStatus,
} from './workload-status.ts';

const invalid = (field: string, value: number, detail: string): StatusCause => ({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${value}: ${detail}` });
const NEGATIVE = 'must be greater than or equal to 0';
const ABOVE = 'cannot be greater than status.replicas';

describe('validateReplicaSetStatus', () => {
  it('accepts counts within their bounds', () => {
    expect(validateReplicaSetStatus({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4, terminatingReplicas: 1 })).toEqual([]);
  });

  it.each(['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration', 'terminatingReplicas'])('rejects a negative %s', (name) => {
    // (a negative count is also below replicas: only its own cause is asked for)
    expect(validateReplicaSetStatus({ replicas: 0, [name]: -1 })).toContainEqual(invalid(`status.${name}`, -1, NEGATIVE));
  });

  it.each(['fullyLabeledReplicas', 'readyReplicas'])('rejects %s above replicas', (name) => {
    expect(validateReplicaSetStatus({ replicas: 2, [name]: 3 })).toEqual([invalid(`status.${name}`, 3, ABOVE)]);
  });

  it('rejects availableReplicas above replicas and above readyReplicas', () => {
    expect(validateReplicaSetStatus({ replicas: 2, readyReplicas: 2, availableReplicas: 3 })).toEqual([
      invalid('status.availableReplicas', 3, ABOVE),
      invalid('status.availableReplicas', 3, 'cannot be greater than readyReplicas'),
    ]);
    expect(validateReplicaSetStatus({ replicas: 3, readyReplicas: 1, availableReplicas: 2 })).toEqual([invalid('status.availableReplicas', 2, 'cannot be greater than readyReplicas')]);
  });

  it('accepts any status whose counts keep available <= ready <= replicas and labelled <= replicas', () => {
    const valid = fc.nat(1000).chain((replicas) =>
      fc.record({ replicas: fc.constant(replicas), fullyLabeledReplicas: fc.nat(replicas), ready: fc.nat(replicas), observedGeneration: fc.nat() })
        .chain((s) => fc.nat(s.ready).map((available) => ({ replicas: s.replicas, fullyLabeledReplicas: s.fullyLabeledReplicas, readyReplicas: s.ready, availableReplicas: available, observedGeneration: s.observedGeneration }))),
    );
    fc.assert(fc.property(valid, (status) => validateReplicaSetStatus(status).length === 0));
  });

  it('rejects any status breaking one bound, naming the count that breaks it', () => {
    const broken = fc.record({ replicas: fc.nat(100), excess: fc.integer({ min: 1, max: 100 }), which: fc.constantFrom('fullyLabeledReplicas', 'readyReplicas', 'availableReplicas') });
    fc.assert(fc.property(broken, ({ replicas, excess, which }) => {
      const status = { replicas, readyReplicas: which === 'readyReplicas' ? replicas + excess : replicas, [which]: replicas + excess };
      const causes = validateReplicaSetStatus(status);
      return causes.length > 0 && causes.every((c) => c.field === `status.${which}` || (which === 'readyReplicas' && c.field === 'status.availableReplicas'));
    }));
  });
});

describe('validateDeploymentStatus', () => {
  it('accepts counts within their bounds', () => {
    expect(validateDeploymentStatus({ replicas: 4, updatedReplicas: 4, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1, collisionCount: 0 })).toEqual([]);
  });

  it.each(['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'terminatingReplicas', 'collisionCount'])('rejects a negative %s', (name) => {
    expect(validateDeploymentStatus({ [name]: -2 })).toContainEqual(invalid(`status.${name}`, -2, NEGATIVE));
  });

  it('rejects updated, ready and available replicas above replicas, in that order', () => {
    expect(validateDeploymentStatus({ replicas: 1, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 })).toEqual([
      invalid('status.updatedReplicas', 2, ABOVE),
      invalid('status.readyReplicas', 2, ABOVE),
      invalid('status.availableReplicas', 2, ABOVE),
    ]);
  });

  it('rejects availableReplicas above readyReplicas', () => {
    expect(validateDeploymentStatus({ replicas: 5, readyReplicas: 2, availableReplicas: 3 })).toEqual([invalid('status.availableReplicas', 3, 'cannot be greater than readyReplicas')]);
  });
});

describe('validateStatefulSetStatus', () => {
  it('accepts counts within their bounds', () => {
    expect(validateStatefulSetStatus({ replicas: 3, readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1, availableReplicas: 3, observedGeneration: 2, collisionCount: 1 })).toEqual([]);
  });

  it.each(['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount'])('rejects a negative %s', (name) => {
    expect(validateStatefulSetStatus({ [name]: -1 })).toContainEqual(invalid(`status.${name}`, -1, NEGATIVE));
  });

  it.each(['readyReplicas', 'currentReplicas', 'updatedReplicas'])('rejects %s above replicas', (name) => {
    expect(validateStatefulSetStatus({ replicas: 1, [name]: 2 })).toEqual([invalid(`status.${name}`, 2, ABOVE)]);
  });

  it('rejects availableReplicas above status.readyReplicas (its own wording)', () => {
    expect(validateStatefulSetStatus({ replicas: 3, readyReplicas: 1, availableReplicas: 2 })).toEqual([invalid('status.availableReplicas', 2, 'cannot be greater than status.readyReplicas')]);
  });
});

describe('validateDaemonSetStatus', () => {
  it('accepts non-negative counts, with no bounds between them', () => {
    expect(validateDaemonSetStatus({ currentNumberScheduled: 1, numberMisscheduled: 0, desiredNumberScheduled: 1, numberReady: 5, numberAvailable: 9 })).toEqual([]);
  });

  it.each(['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount'])(
    'rejects a negative %s',
    (name) => {
      expect(validateDaemonSetStatus({ [name]: -1 })).toEqual([invalid(`status.${name}`, -1, NEGATIVE)]);
    },
  );
});

describe('status writes of the workload kinds', () => {
  const decremented = { reason: 'FieldValueInvalid', field: 'status.collisionCount', message: 'Invalid value: 0: cannot be decremented' };

  it('keep the collisionCount of a Deployment, StatefulSet and DaemonSet from going down or away', () => {
    const d = makeObject<Deployment>('deployments', { status: { collisionCount: 2 } });
    expect(deploymentKind.validateStatusUpdate({ ...d, status: { collisionCount: 3 } }, d)).toEqual([]);
    expect(deploymentKind.validateStatusUpdate({ ...d, status: { collisionCount: 0 } }, d)).toEqual([decremented]);
    const s = makeObject<StatefulSet>('statefulsets', { status: { replicas: 0, collisionCount: 1 } });
    expect(statefulSetKind.validateStatusUpdate({ ...s, status: { replicas: 0 } }, s)).toEqual([decremented]);
    const ds = makeObject<DaemonSet>('daemonsets', { status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, collisionCount: 1 } });
    expect(daemonSetKind.validateStatusUpdate({ ...ds, status: { ...ds.status!, collisionCount: 1 } }, ds)).toEqual([]);
    expect(daemonSetKind.validateStatusUpdate({ ...ds, status: { ...ds.status!, collisionCount: 0 } }, ds)).toEqual([decremented]);
  });

  it('check the status and never the spec', () => {
    const rs = makeObject<ReplicaSet>('replicasets', { spec: { replicas: -1 } });
    const next = { ...rs, status: { replicas: 1, readyReplicas: 2 } };
    expect(replicaSetKind.validateUpdate(next, rs).map((c) => c.field)).toContain('spec.replicas');
    expect(replicaSetKind.validateStatusUpdate(next, rs)).toEqual([invalid('status.readyReplicas', 2, ABOVE)]);
    expect(replicaSetKind.validateStatusUpdate({ ...rs, status: { replicas: 2, readyReplicas: 2 } }, rs)).toEqual([]);
  });
});
