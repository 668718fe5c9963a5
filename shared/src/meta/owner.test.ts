import { describe, it, expect } from 'vitest';
import { getControllerOf, isControlledBy, hasOwnerReference, newControllerRef } from './owner.ts';
import type { KubeObject, OwnerReference } from '../api/meta.ts';

const makeObject = (name: string, uid: string, ownerReferences?: OwnerReference[]): KubeObject => ({
  metadata: ownerReferences ? { name, uid, ownerReferences } : { name, uid },
});
const rs = makeObject('web-abc', 'uid-rs');
const ref = (uid: string, controller?: boolean): OwnerReference =>
  controller === undefined ? { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid } : { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid, controller };

describe('getControllerOf', () => {
  const cases: Array<[string, OwnerReference[] | undefined, string | undefined]> = [
    ['an object without owners has no controller', undefined, undefined],
    ['a non-controller owner is not the controller', [ref('a')], undefined],
    ['controller: false is not the controller', [ref('a', false)], undefined],
    ['the reference marked controller is found among others', [ref('a'), ref('b', true)], 'b'],
    ['the first controller wins when several claim it', [ref('a', true), ref('b', true)], 'a'],
  ];
  it.each(cases)('%s', (_n, refs, uid) => {
    expect(getControllerOf(makeObject('p', 'uid-p', refs))?.uid).toBe(uid);
  });

  it('returns a copy the caller may change', () => {
    const pod = makeObject('p', 'uid-p', [ref('a', true)]);
    const got = getControllerOf(pod);
    if (got) got.name = 'changed';
    expect(pod.metadata.ownerReferences?.[0]?.name).toBe('x');
  });
});

describe('isControlledBy', () => {
  it('is true when the controller reference has the owner UID', () => {
    expect(isControlledBy(makeObject('p', 'u', [ref('uid-rs', true)]), rs)).toBe(true);
  });
  it('is false for a recreated owner with the same name but a new UID', () => {
    expect(isControlledBy(makeObject('p', 'u', [ref('uid-old', true)]), rs)).toBe(false);
  });
  it('is false when the owner is only a non-controller owner', () => {
    const pod = makeObject('p', 'u', [ref('uid-rs')]);
    expect(isControlledBy(pod, rs)).toBe(false);
    expect(hasOwnerReference(pod, 'uid-rs')).toBe(true);
    expect(hasOwnerReference(pod, 'other')).toBe(false);
  });
});

describe('newControllerRef', () => {
  it('points at the owner and sets controller and blockOwnerDeletion', () => {
    const got = newControllerRef(rs, { apiVersion: 'apps/v1', kind: 'ReplicaSet' });
    expect(got).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'uid-rs', controller: true, blockOwnerDeletion: true });
    expect(isControlledBy(makeObject('p', 'u', [got]), rs)).toBe(true);
  });
});
