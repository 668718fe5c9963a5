// Lease (coordination.k8s.io/v1): a lightweight lock, used for node heartbeats
// (kube-node-lease) and leader election. Validation: leaseDurationSeconds > 0,
// leaseTransitions >= 0.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { int, obj, opt, str, time, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { validateEnum, validateNonnegative, validatePositive } from '../validation/field.ts';

export const LeaseSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(
    obj({
      holderIdentity: opt(str(), 'Who currently holds the lease.'),
      leaseDurationSeconds: opt(int(), 'How long others must wait after the last renewal before taking over.'),
      acquireTime: opt(time(), 'When the current holder acquired the lease.'),
      renewTime: opt(time(), 'When the holder last renewed the lease.'),
      leaseTransitions: opt(int(), 'How many times the lease changed hands.'),
      strategy: opt(str(), 'The coordinated leader election strategy, e.g. OldestEmulationVersion.'),
      preferredHolder: opt(str(), 'A holder the coordinator would like to take over.'),
    }),
    'The lease\'s holder and timing.',
  ),
});
export type Lease = z.infer<typeof LeaseSchema>;

export const leaseKind = defineKind<Lease>({
  type: resources.leases,
  schema: LeaseSchema,
  validate: (l): StatusCause[] => [
    ...validatePositive(l.spec?.leaseDurationSeconds, 'spec.leaseDurationSeconds'),
    ...validateNonnegative(l.spec?.leaseTransitions, 'spec.leaseTransitions'),
    ...validateEnum(l.spec?.strategy, ['OldestEmulationVersion'], 'spec.strategy'),
  ],
});
