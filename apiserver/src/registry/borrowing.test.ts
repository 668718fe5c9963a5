// An in-process update whose body holds parts of the stored state (the deep-frozen object a
// write answered with `answer: 'shared'`) borrows them instead of copying them: it must
// store, answer, warn and refuse exactly as the same update with a body of copies does.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resources, VirtualClock } from '@kubesim/shared';
import type { KubeObject, Pod } from '@kubesim/shared';
import { makePod, makeRegistry } from '../test-helpers.ts';
import type { Registry } from './registry.ts';

const runs = Number(process.env['KUBESIM_PROPERTY_RUNS'] ?? 100);
const seed = process.env['KUBESIM_PROPERTY_SEED'] ? Number(process.env['KUBESIM_PROPERTY_SEED']) : undefined;

type Rec = Record<string, unknown>;
const user = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

/** one edit of the object a caller holds: a new top-level member value built by spreads,
 *  so that what it does not touch stays the held object's own */
type Edit =
  | { kind: 'label'; key: string; value: string }
  | { kind: 'annotation'; key: string; value: string }
  | { kind: 'image'; image: string }
  | { kind: 'unknown'; where: 'top' | 'metadata' | 'spec' }
  | { kind: 'phase'; phase: string }
  | { kind: 'condition'; type: string; status: string }
  | { kind: 'nothing' };

const editArb: fc.Arbitrary<{ edit: Edit; status: boolean }> = fc.record({
  edit: fc.oneof(
    fc.record({ kind: fc.constant('label' as const), key: fc.constantFrom('app', 'tier', 'x'), value: fc.constantFrom('a', 'b', 'bad value!') }),
    fc.record({ kind: fc.constant('annotation' as const), key: fc.constantFrom('note', 'owner'), value: fc.string({ maxLength: 5 }) }),
    fc.record({ kind: fc.constant('image' as const), image: fc.constantFrom('nginx', 'nginx:2', '') }),
    fc.record({ kind: fc.constant('unknown' as const), where: fc.constantFrom('top' as const, 'metadata' as const, 'spec' as const) }),
    fc.record({ kind: fc.constant('phase' as const), phase: fc.constantFrom('Pending', 'Running', 'Succeeded') }),
    fc.record({ kind: fc.constant('condition' as const), type: fc.constantFrom('Ready', 'PodScheduled'), status: fc.constantFrom('True', 'False') }),
    fc.constant({ kind: 'nothing' as const }),
  ),
  status: fc.boolean(),
});

function applyEdit(held: KubeObject, edit: Edit): KubeObject {
  const o = held as unknown as Rec & { metadata: Rec; spec: Rec & { containers: Rec[] }; status?: Rec };
  switch (edit.kind) {
    case 'label':
      return { ...held, metadata: { ...o.metadata, labels: { ...(o.metadata['labels'] as Rec), [edit.key]: edit.value } } } as KubeObject;
    case 'annotation':
      return { ...held, metadata: { ...o.metadata, annotations: { ...(o.metadata['annotations'] as Rec), [edit.key]: edit.value } } } as KubeObject;
    case 'image':
      return { ...held, spec: { ...o.spec, containers: [{ ...o.spec.containers[0], image: edit.image }, ...o.spec.containers.slice(1)] } } as KubeObject;
    case 'unknown':
      if (edit.where === 'top') return { ...held, surplus: 1 } as KubeObject;
      if (edit.where === 'metadata') return { ...held, metadata: { ...o.metadata, surplus: 1 } } as KubeObject;
      return { ...held, spec: { ...o.spec, surplus: 1 } } as KubeObject;
    case 'phase':
      return { ...held, status: { ...o.status, phase: edit.phase } } as KubeObject;
    case 'condition': {
      const conditions = ((o.status?.['conditions'] as Rec[] | undefined) ?? []).filter((c) => c['type'] !== edit.type);
      return { ...held, status: { ...o.status, conditions: [...conditions, { type: edit.type, status: edit.status }] } } as KubeObject;
    }
    case 'nothing':
      return held;
  }
}

interface Outcome {
  answer?: string;
  error?: string;
  warnings: string[];
  stored: string;
}

/** the update as a borrowing caller makes it; with `givenAway`, as the HTTP handlers make it
 *  (the body is the registry's to change: nothing is borrowed, the whole body is pruned) */
async function write(registry: Registry, body: KubeObject, status: boolean, givenAway = false): Promise<{ outcome: Outcome; answer?: KubeObject }> {
  const warnings: string[] = [];
  let answer: KubeObject | undefined;
  let error: string | undefined;
  try {
    answer = (await registry.update(resources.pods, body, { namespace: 'default', user, userAgent: 'kubelet/v1.32', answerShared: true, warnings, ...(givenAway ? { owned: true } : {}), ...(status ? { subresource: 'status' } : {}) })).object;
  } catch (err) {
    error = JSON.stringify((err as { status?: unknown }).status ?? String(err));
  }
  const stored = JSON.stringify(await registry.get(resources.pods, 'p', { namespace: 'default' }));
  const outcome: Outcome = { warnings, stored };
  if (answer) outcome.answer = JSON.stringify(answer);
  if (error) outcome.error = error;
  return answer ? { outcome, answer } : { outcome };
}

/** a registry with a pod `p` and a watcher of pods (stored states are then shared, frozen) */
async function cluster(sharing = true): Promise<{ registry: Registry; held: KubeObject; stop: () => Promise<void> }> {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const registry = await makeRegistry({ clock, seed: 7 });
  // (without a watcher that shares them, stored states are never frozen: nothing is borrowed)
  const handle = await registry.watch(resources.pods, { namespace: 'default' }, { send: (_t, obj) => void (sharing ? obj.shared() : obj.obj), bookmark: () => undefined, error: () => undefined, end: () => undefined });
  await registry.create(resources.pods, makePod('p', { labels: { app: 'a' } }), { namespace: 'default', user });
  // a write that changes nothing answers the stored state itself, shared
  const held = (await registry.update(resources.pods, await registry.get(resources.pods, 'p', { namespace: 'default' }), { namespace: 'default', user, answerShared: true })).object;
  return { registry, held, stop: async () => { handle.stop(); await registry.stop(); } };
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of open.splice(0)) await stop();
});

describe('an update that borrows parts of the stored state', () => {
  it('stores, answers, warns and refuses as the same update with copies does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 6 }), async (edits) => {
        const a = await cluster();
        const b = await cluster();
        open.push(a.stop, b.stop);
        let held = a.held;
        for (const { edit, status } of edits) {
          const body = applyEdit(held, edit);
          const copied = structuredClone(body);
          const viaBorrow = await write(a.registry, body, status);
          const viaCopy = await write(b.registry, copied, status, true);
          expect(viaBorrow.outcome).toEqual(viaCopy.outcome);
          if (viaBorrow.answer) held = viaBorrow.answer;
        }
        for (const stop of open.splice(0)) await stop();
      }),
      { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
    );
  });

  it('shares what the update did not change with the state it replaced, and answers frozen', async () => {
    const a = await cluster();
    open.push(a.stop);
    expect(Object.isFrozen(a.held)).toBe(true);
    const held = a.held as Pod;
    const body = applyEdit(held, { kind: 'label', key: 'tier', value: 'web' });
    const { answer } = await write(a.registry, body, false);
    const next = answer as Pod;
    expect(next.metadata.labels).toEqual({ app: 'a', tier: 'web' });
    expect(Object.isFrozen(next)).toBe(true);
    // borrowed, not copied: the spec and the container list are the old state's own objects
    expect(next.spec).toBe(held.spec);
    expect(next.metadata.resourceVersion).not.toBe(held.metadata.resourceVersion);
    // and the answer carries the resourceVersion a read gives
    const read = await a.registry.get(resources.pods, 'p', { namespace: 'default' });
    expect(next.metadata.resourceVersion).toBe(read.metadata.resourceVersion);
  });

  it('refuses a body with a bad label and changes nothing, its borrowed parts included', async () => {
    const a = await cluster();
    open.push(a.stop);
    const before = JSON.stringify(await a.registry.get(resources.pods, 'p', { namespace: 'default' }));
    const { outcome } = await write(a.registry, applyEdit(a.held, { kind: 'label', key: 'app', value: 'bad value!' }), false);
    expect(outcome.error).toContain('"code":422');
    expect(outcome.stored).toBe(before);
  });

  it('answers each write its own resourceVersion when writes of one object repeat a stored value', async () => {
    // (the watch cache matches a write's object to its event by the stored value, so a value
    // written again must not give one write's shared answer another write's resourceVersion:
    // a benchmark renewing 100 Leases at once with repeating values once met exactly that)
    const a = await cluster();
    open.push(a.stop);
    const names = Array.from({ length: 100 }, (_, i) => `n${i}`);
    let held = await Promise.all(names.map((n) => a.registry.create(resources.leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: n, namespace: 'kube-node-lease' }, spec: { holderIdentity: n, renewTime: '2026-01-01T00:00:00.000000Z' } }, { namespace: 'kube-node-lease', user })));
    const seen = new Set<string>();
    const times = Array.from({ length: 5 }, (_, r) => `2026-01-01T00:00:${String(10 + r).padStart(2, '0')}.000000Z`);
    for (const renewTime of [...times, ...times]) {
      held = await Promise.all(
        held.map(async (l) => {
          const body = { ...l, spec: { ...(l as KubeObject & { spec: Rec }).spec, renewTime } } as KubeObject;
          return (await a.registry.update(resources.leases, body, { namespace: 'kube-node-lease', user, answerShared: true })).object;
        }),
      );
      for (const l of held) {
        const rv = l.metadata.resourceVersion!;
        expect(seen.has(rv)).toBe(false);
        seen.add(rv);
        const read = await a.registry.get(resources.leases, l.metadata.name!, { namespace: 'kube-node-lease' });
        expect(read.metadata.resourceVersion).toBe(rv);
        expect((read as KubeObject & { spec: Rec }).spec['renewTime']).toBe(renewTime);
      }
    }
  });
});
