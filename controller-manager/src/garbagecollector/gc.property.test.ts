import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isNotFound, resources } from '@kubesim/shared';
import type { KubeObject, OwnerReference, PropagationPolicy, ResourceType } from '@kubesim/shared';
import { startGarbageCollectorController } from './controller.ts';
import { startTestCluster } from './test-cluster.ts';
import type { TestCluster } from './test-cluster.ts';

// A random owner graph: object i may be owned by any earlier object (so the graph is a DAG),
// and may also point at an owner that never existed ("phantom"). Objects are ConfigMaps or
// Secrets, so owners and dependents come in two kinds.
interface Spec {
  kinds: ('cm' | 'secret')[];
  owners: { owner: number; block: boolean }[][];
  phantom: boolean[];
}
interface Deletion {
  target: number;
  policy: PropagationPolicy;
}

const NS = 'default';
const PHANTOM = -1;

const specArb: fc.Arbitrary<Spec> = fc.integer({ min: 2, max: 7 }).chain((n) =>
  fc.record({
    kinds: fc.array(fc.constantFrom<'cm' | 'secret'>('cm', 'secret'), { minLength: n, maxLength: n }),
    owners: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        i === 0 ? fc.constant<{ owner: number; block: boolean }[]>([]) : fc.uniqueArray(fc.record({ owner: fc.integer({ min: 0, max: i - 1 }), block: fc.boolean() }), { selector: (o) => o.owner, maxLength: 3 }),
      ),
    ),
    phantom: fc.array(fc.integer({ min: 0, max: 4 }).map((x) => x === 0), { minLength: n, maxLength: n }),
  }),
);
const deletionsArb = (n: number): fc.Arbitrary<Deletion[]> =>
  fc.array(fc.record({ target: fc.integer({ min: 0, max: n - 1 }), policy: fc.constantFrom<PropagationPolicy>('Background', 'Foreground', 'Orphan') }), { minLength: 1, maxLength: 3 });
const scenarioArb = specArb.chain((spec) => fc.tuple(fc.constant(spec), deletionsArb(spec.kinds.length)));

const typeOf = (spec: Spec, i: number): ResourceType => (spec.kinds[i] === 'cm' ? resources.configmaps : resources.secrets);
const nameOf = (i: number): string => `o${i}`;

/** create the objects in order; returns their UIDs */
async function build(cluster: TestCluster, spec: Spec): Promise<string[]> {
  const uids: string[] = [];
  for (let i = 0; i < spec.kinds.length; i++) {
    const refs: OwnerReference[] = spec.owners[i]!.map(({ owner, block }) => ({
      apiVersion: 'v1',
      kind: spec.kinds[owner] === 'cm' ? 'ConfigMap' : 'Secret',
      name: nameOf(owner),
      uid: uids[owner]!,
      blockOwnerDeletion: block,
    }));
    if (spec.phantom[i]) refs.push({ apiVersion: 'v1', kind: 'ConfigMap', name: 'phantom', uid: 'phantom-uid' });
    const obj = { metadata: { name: nameOf(i), namespace: NS, ...(refs.length ? { ownerReferences: refs } : {}) }, data: {} } as KubeObject;
    uids.push((await cluster.client.create(typeOf(spec, i), obj, { namespace: NS })).metadata.uid!);
  }
  return uids;
}

/** what the server holds: index → owner UIDs, for the objects still there */
async function observe(cluster: TestCluster, spec: Spec, uids: string[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (let i = 0; i < spec.kinds.length; i++) {
    try {
      const obj = await cluster.client.get(typeOf(spec, i), nameOf(i), { namespace: NS });
      if (obj.metadata.uid === uids[i]) out.set(i, (obj.metadata.ownerReferences ?? []).map((r) => r.uid));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return out;
}

/** the model: alive objects and their owner indexes; `collect` applies Background semantics to a fixpoint */
class Model {
  readonly alive = new Set<number>();
  readonly refs = new Map<number, number[]>();
  constructor(spec: Spec) {
    spec.kinds.forEach((_, i) => {
      this.alive.add(i);
      this.refs.set(i, [...spec.owners[i]!.map((o) => o.owner), ...(spec.phantom[i] ? [PHANTOM] : [])]);
    });
    this.collect();
  }
  collect(): void {
    for (let changed = true; changed; ) {
      changed = false;
      for (const i of [...this.alive]) {
        const refs = this.refs.get(i)!;
        if (refs.length === 0) continue;
        const live = refs.filter((o) => this.alive.has(o));
        if (live.length === 0) {
          this.alive.delete(i);
          changed = true;
        } else if (live.length !== refs.length) {
          this.refs.set(i, live);
          changed = true;
        }
      }
    }
  }
  delete(target: number, policy: PropagationPolicy): void {
    this.alive.delete(target);
    if (policy === 'Orphan') for (const [i, refs] of this.refs) this.refs.set(i, refs.filter((o) => o !== target));
    this.collect();
  }
  expected(uids: string[]): Map<number, string[]> {
    return new Map([...this.alive].sort((a, b) => a - b).map((i) => [i, this.refs.get(i)!.map((o) => uids[o]!)]));
  }
}

async function withCluster<T>(fn: (c: TestCluster) => Promise<T>): Promise<T> {
  const cluster = await startTestCluster();
  try {
    await cluster.run(startGarbageCollectorController);
    return await fn(cluster);
  } finally {
    await cluster.stop();
  }
}

describe('garbage collector on random owner graphs', () => {
  it('deleting one object at a time with any policy leaves exactly what Kubernetes would', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, ([spec, deletions]) =>
        withCluster(async (cluster) => {
          const uids = await build(cluster, spec);
          const model = new Model(spec);
          await cluster.settle();
          expect(await observe(cluster, spec, uids)).toEqual(model.expected(uids));
          for (const { target, policy } of deletions) {
            if (!model.alive.has(target)) continue;
            await cluster.client.delete(typeOf(spec, target), nameOf(target), { namespace: NS, propagationPolicy: policy });
            model.delete(target, policy);
            await cluster.settle();
            expect(await observe(cluster, spec, uids)).toEqual(model.expected(uids));
          }
        }),
      ),
      { numRuns: 100 },
    );
  });

  it('after deletions issued all at once, every survivor has live owners and only dependents of deleted objects went', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, ([spec, deletions]) =>
        withCluster(async (cluster) => {
          const uids = await build(cluster, spec);
          await cluster.settle();
          const before = await observe(cluster, spec, uids);
          const targets = new Map(deletions.filter((d) => before.has(d.target)).map((d) => [d.target, d.policy]));
          await Promise.all(
            [...targets].map(([t, policy]) =>
              cluster.client.delete(typeOf(spec, t), nameOf(t), { namespace: NS, propagationPolicy: policy }).catch((err: unknown) => {
                if (!isNotFound(err)) throw err;
              }),
            ),
          );
          await cluster.settle();
          const after = await observe(cluster, spec, uids);
          const aliveUids = new Set([...after.keys()].map((i) => uids[i]));

          for (const t of targets.keys()) expect(after.has(t)).toBe(false);
          for (const owners of after.values()) for (const o of owners) expect(aliveUids.has(o)).toBe(true);
          // what may go: the deleted objects and, transitively, anything that pointed at one
          const mayGo = new Set(targets.keys());
          for (let grew = true; grew; ) {
            grew = false;
            for (const i of before.keys()) {
              if (!mayGo.has(i) && spec.owners[i]!.some((o) => mayGo.has(o.owner))) {
                mayGo.add(i);
                grew = true;
              }
            }
          }
          for (const i of before.keys()) if (!mayGo.has(i)) expect(after.has(i)).toBe(true);
        }),
      ),
      { numRuns: 100 },
    );
  });
});
