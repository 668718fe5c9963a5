import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resources } from '@kubesim/shared';
import type { KubeObject, OwnerReference } from '@kubesim/shared';
import { observeDeletion, observeObject, observeObjectFully } from './graph-builder.ts';
import { AbsentOwnerCache, OwnerGraph, nodeFrom } from './graph.ts';

const ref = (uid: string, block = false): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, blockOwnerDeletion: block });

function makeObject(uid: string, opts: { owners?: OwnerReference[]; finalizers?: string[]; deleting?: boolean } = {}): KubeObject {
  return {
    metadata: {
      name: uid,
      namespace: 'default',
      uid,
      ...(opts.owners ? { ownerReferences: opts.owners } : {}),
      ...(opts.finalizers ? { finalizers: opts.finalizers } : {}),
      ...(opts.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}),
    },
  };
}

describe('OwnerGraph', () => {
  it('indexes dependents by owner UID, whether or not the owner has been seen', () => {
    const g = new OwnerGraph();
    g.upsert(nodeFrom(resources.configmaps, makeObject('child', { owners: [ref('owner')] })));
    expect(g.isVirtual('owner')).toBe(true);
    expect(g.dependentsOf('owner').map((n) => n.identity.uid)).toEqual(['child']);
    g.upsert(nodeFrom(resources.configmaps, makeObject('owner')));
    expect(g.isVirtual('owner')).toBe(false);
  });

  it('moves a dependent between owners when its references change', () => {
    const g = new OwnerGraph();
    g.upsert(nodeFrom(resources.configmaps, makeObject('child', { owners: [ref('a')] })));
    g.upsert(nodeFrom(resources.configmaps, makeObject('child', { owners: [ref('b')] })));
    expect(g.dependentsOf('a')).toEqual([]);
    expect(g.dependentsOf('b').map((n) => n.identity.uid)).toEqual(['child']);
  });

  it('keeps the references to a removed owner, which becomes virtual', () => {
    const g = new OwnerGraph();
    g.upsert(nodeFrom(resources.configmaps, makeObject('owner')));
    g.upsert(nodeFrom(resources.configmaps, makeObject('child', { owners: [ref('owner')] })));
    g.remove('owner');
    expect(g.isVirtual('owner')).toBe(true);
    expect(g.referenceTo('owner')?.dependentNamespace).toBe('default');
  });
});

describe('AbsentOwnerCache', () => {
  it('forgets the oldest UID when full', () => {
    const c = new AbsentOwnerCache(2);
    c.add('a');
    c.add('b');
    c.add('c');
    expect([c.has('a'), c.has('b'), c.has('c')]).toEqual([false, true, true]);
  });
});

describe('graph builder', () => {
  it('asks to verify an owner it has never seen', () => {
    const g = new OwnerGraph();
    const work = observeObject(g, new AbsentOwnerCache(), resources.configmaps, makeObject('child', { owners: [ref('owner')] }));
    expect(work.attemptToDelete).toEqual(['owner']);
  });

  it('asks to collect a new dependent of an owner known to be gone', () => {
    const absent = new AbsentOwnerCache();
    absent.add('owner');
    const work = observeObject(new OwnerGraph(), absent, resources.configmaps, makeObject('child', { owners: [ref('owner')] }));
    expect(work.attemptToDelete).toEqual(['child']);
  });

  it('queues an owner and its dependents when it starts deleting in the foreground', () => {
    const g = new OwnerGraph();
    const absent = new AbsentOwnerCache();
    observeObject(g, absent, resources.configmaps, makeObject('owner'));
    observeObject(g, absent, resources.configmaps, makeObject('child', { owners: [ref('owner', true)] }));
    const work = observeObject(g, absent, resources.configmaps, makeObject('owner', { deleting: true, finalizers: ['foregroundDeletion'] }));
    expect(work.attemptToDelete.sort()).toEqual(['child', 'owner']);
  });

  it('queues an owner deleting with the orphan finalizer for orphaning', () => {
    const work = observeObject(new OwnerGraph(), new AbsentOwnerCache(), resources.configmaps, makeObject('owner', { deleting: true, finalizers: ['orphan'] }));
    expect(work.attemptToOrphan).toEqual(['owner']);
  });

  it('wakes a foreground-deleting owner when a blocking dependent goes or stops blocking', () => {
    const g = new OwnerGraph();
    const absent = new AbsentOwnerCache();
    observeObject(g, absent, resources.configmaps, makeObject('owner', { deleting: true, finalizers: ['foregroundDeletion'] }));
    observeObject(g, absent, resources.configmaps, makeObject('a', { owners: [ref('owner', true)] }));
    observeObject(g, absent, resources.configmaps, makeObject('b', { owners: [ref('owner', true)] }));
    expect(observeObject(g, absent, resources.configmaps, makeObject('a', { owners: [ref('owner', false)] })).attemptToDelete).toContain('owner');
    expect(observeDeletion(g, absent, makeObject('b')).attemptToDelete).toEqual(['owner']);
  });

  it('queues the dependents of a deleted object and remembers it absent', () => {
    const g = new OwnerGraph();
    const absent = new AbsentOwnerCache();
    observeObject(g, absent, resources.configmaps, makeObject('owner'));
    observeObject(g, absent, resources.configmaps, makeObject('child', { owners: [ref('owner')] }));
    expect(observeDeletion(g, absent, makeObject('owner')).attemptToDelete).toEqual(['child']);
    expect(absent.has('owner')).toBe(true);
  });
});

describe('graph builder, an update that leaves the node as it was', () => {
  it('still re-checks a dependent of an owner known to be gone, at every update', () => {
    const g = new OwnerGraph();
    const absent = new AbsentOwnerCache();
    observeObject(g, absent, resources.configmaps, makeObject('child', { owners: [ref('owner')] }));
    absent.add('owner');
    expect(observeObject(g, absent, resources.configmaps, makeObject('child', { owners: [ref('owner')] })).attemptToDelete).toEqual(['child']);
    expect(observeObject(g, absent, resources.configmaps, makeObject('child', { owners: [ref('owner')] })).attemptToDelete).toEqual(['child']);
  });

  it('sees a changed reference (blockOwnerDeletion flipped) as a change', () => {
    const g = new OwnerGraph();
    const absent = new AbsentOwnerCache();
    observeObject(g, absent, resources.configmaps, makeObject('owner', { deleting: true, finalizers: ['foregroundDeletion'] }));
    observeObject(g, absent, resources.configmaps, makeObject('a', { owners: [ref('owner', true)] }));
    expect(observeObject(g, absent, resources.configmaps, makeObject('a', { owners: [ref('owner', true)] })).attemptToDelete).toEqual(['a']);
    expect(observeObject(g, absent, resources.configmaps, makeObject('a', { owners: [ref('owner', false)] })).attemptToDelete).toEqual(['a', 'owner']);
    expect(g.get('a')?.owners[0]?.blockOwnerDeletion).toBe(false);
  });

  it('moves the dependent last among its owner\'s dependents, as replacing it would', () => {
    const g = new OwnerGraph();
    const absent = new AbsentOwnerCache();
    for (const uid of ['a', 'b', 'c']) observeObject(g, absent, resources.configmaps, makeObject(uid, { owners: [ref('owner')] }));
    observeObject(g, absent, resources.configmaps, makeObject('a', { owners: [ref('owner')] }));
    expect(g.dependentsOf('owner').map((n) => n.identity.uid)).toEqual(['b', 'c', 'a']);
  });

  it('agrees with the full bookkeeping on any sequence of changes (work asked for, graph, order of dependents)', () => {
    const uids = ['a', 'b', 'c', 'd'];
    const refArb = fc.record({ uid: fc.constantFrom(...uids), block: fc.boolean(), controller: fc.option(fc.boolean(), { nil: undefined }) });
    const op = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('upsert' as const),
          uid: fc.constantFrom(...uids),
          owners: fc.array(refArb, { maxLength: 3 }),
          deleting: fc.boolean(),
          finalizers: fc.subarray(['foregroundDeletion', 'orphan', 'other']),
          type: fc.constantFrom(resources.configmaps, resources.secrets),
        }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), uid: fc.constantFrom(...uids) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('absent' as const), uid: fc.constantFrom(...uids) }) },
    );
    // repeat ops often, so that unchanged updates are common
    const ops = fc.array(fc.tuple(op, fc.integer({ min: 1, max: 3 })), { maxLength: 30 });
    const objectOf = (o: { uid: string; owners: { uid: string; block: boolean; controller: boolean | undefined }[]; deleting: boolean; finalizers: string[] }): KubeObject =>
      makeObject(o.uid, {
        owners: o.owners.map((r) => ({ ...ref(r.uid, r.block), ...(r.controller !== undefined ? { controller: r.controller } : {}) })),
        finalizers: o.finalizers,
        deleting: o.deleting,
      });
    fc.assert(
      fc.property(ops, (seq) => {
        const fast = { graph: new OwnerGraph(), absent: new AbsentOwnerCache() };
        const full = { graph: new OwnerGraph(), absent: new AbsentOwnerCache() };
        for (const [o, times] of seq) {
          for (let i = 0; i < times; i++) {
            if (o.kind === 'absent') {
              fast.absent.add(o.uid);
              full.absent.add(o.uid);
            } else if (o.kind === 'delete') {
              expect(observeDeletion(fast.graph, fast.absent, makeObject(o.uid))).toEqual(observeDeletion(full.graph, full.absent, makeObject(o.uid)));
            } else {
              expect(observeObject(fast.graph, fast.absent, o.type, objectOf(o))).toEqual(observeObjectFully(full.graph, full.absent, o.type, objectOf(o)));
            }
            for (const uid of uids) {
              expect(fast.graph.get(uid)).toEqual(full.graph.get(uid));
              expect(fast.graph.dependentsOf(uid).map((n) => n.identity.uid)).toEqual(full.graph.dependentsOf(uid).map((n) => n.identity.uid));
              expect(fast.absent.has(uid)).toBe(full.absent.has(uid));
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
