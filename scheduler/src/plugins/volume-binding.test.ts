import { describe, expect, it } from 'vitest';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import { filterResults, newHarness } from '../testing/harness.ts';
import type { Listers } from '../framework/interfaces.ts';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../types.ts';
import { newVolumeBinding } from './volume-binding.ts';
import { newVolumeRestrictions } from './volume-restrictions.ts';

const nodes = [makeNode('a1', { zone: 'a' }), makeNode('b1', { zone: 'b' })];
const withClaim = (name: string, claim: string): Pod => makePod(name, { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] } });
const pvc = (name: string, spec: NonNullable<PersistentVolumeClaim['spec']>): PersistentVolumeClaim => ({ metadata: { name, namespace: 'default' }, spec });
const zonalPV: PersistentVolume = {
  metadata: { name: 'pv-a' },
  spec: { storageClassName: 'zonal', nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }] }] } } },
};
const classes: Record<string, StorageClass> = {
  late: { metadata: { name: 'late' }, provisioner: 'example.com/csi', volumeBindingMode: 'WaitForFirstConsumer' },
  static: { metadata: { name: 'static' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' },
  now: { metadata: { name: 'now' }, provisioner: 'example.com/csi' },
};
const listers = (claims: PersistentVolumeClaim[], pvs: PersistentVolume[] = []): Partial<Listers> => ({
  persistentVolumeClaim: (_ns, name) => claims.find((c) => c.metadata.name === name),
  persistentVolume: (name) => pvs.find((p) => p.metadata.name === name),
  persistentVolumes: () => pvs,
  storageClass: (name) => classes[name],
});

describe('VolumeBinding filter', () => {
  const cases: Array<{ name: string; claims: PersistentVolumeClaim[]; pvs?: PersistentVolume[]; want: Record<string, string> }> = [
    { name: 'a missing claim rejects the pod everywhere', claims: [], want: { a1: 'PreFilter UnschedulableAndUnresolvable: persistentvolumeclaim "c" not found', b1: 'PreFilter UnschedulableAndUnresolvable: persistentvolumeclaim "c" not found' } },
    {
      name: 'an unbound claim with Immediate binding must wait for its volume',
      claims: [pvc('c', { storageClassName: 'now' })],
      want: { a1: 'PreFilter UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims', b1: 'PreFilter UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims' },
    },
    { name: 'a bound claim pins the pod to where its volume is reachable', claims: [pvc('c', { volumeName: 'pv-a' })], pvs: [zonalPV], want: { a1: 'ok', b1: 'UnschedulableAndUnresolvable: node(s) had volume node affinity conflict' } },
    { name: 'a WaitForFirstConsumer claim with a provisioner fits anywhere', claims: [pvc('c', { storageClassName: 'late' })], want: { a1: 'ok', b1: 'ok' } },
    {
      name: 'a WaitForFirstConsumer claim without a provisioner needs an available volume reachable from the node',
      claims: [pvc('c', { storageClassName: 'static' })],
      pvs: [{ ...zonalPV, spec: { ...zonalPV.spec, storageClassName: 'static' } }],
      want: { a1: 'ok', b1: "UnschedulableAndUnresolvable: node(s) didn't find available persistent volumes to bind" },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const h = newHarness({ nodes, listers: listers(c.claims, c.pvs) });
      expect(filterResults(newVolumeBinding({}, h.handle), h, withClaim('p', 'c'))).toEqual(c.want);
    });
  }
});

describe('VolumeRestrictions filter', () => {
  it('a ReadWriteOncePod claim already in use keeps a second pod out of every node', () => {
    const claims = [pvc('c', { accessModes: ['ReadWriteOncePod'], volumeName: 'pv' })];
    const h = newHarness({ nodes, pods: [bindPod(withClaim('first', 'c'), 'a1')], listers: listers(claims) });
    const msg = 'PreFilter UnschedulableAndUnresolvable: node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';
    expect(filterResults(newVolumeRestrictions({}, h.handle), h, withClaim('second', 'c'))).toEqual({ a1: msg, b1: msg });
  });

  it('a ReadWriteOnce claim may be shared', () => {
    const claims = [pvc('c', { accessModes: ['ReadWriteOnce'], volumeName: 'pv' })];
    const h = newHarness({ nodes, pods: [bindPod(withClaim('first', 'c'), 'a1')], listers: listers(claims) });
    expect(filterResults(newVolumeRestrictions({}, h.handle), h, withClaim('second', 'c'))).toEqual({ a1: 'ok', b1: 'ok' });
  });
});
