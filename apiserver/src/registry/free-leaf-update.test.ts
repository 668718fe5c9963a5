// A Lease update that changes only free leaves (spec.renewTime, spec.acquireTime) its
// writer owns skips defaulting, validation and the managedFields walk: it must store,
// answer and refuse exactly as the full path does. The full path is the same update with a
// body given away (nothing borrowed, so no shortcut).
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resources, VirtualClock } from '@kubesim/shared';
import type { KubeObject, Lease } from '@kubesim/shared';
import { makeRegistry } from '../test-helpers.ts';
import { freeLeafManagedFields } from './free-leaf-update.ts';
import { objectKey } from './keys.ts';
import type { Registry } from './registry.ts';

const runs = Number(process.env['KUBESIM_PROPERTY_RUNS'] ?? 100);
const seed = process.env['KUBESIM_PROPERTY_SEED'] ? Number(process.env['KUBESIM_PROPERTY_SEED']) : undefined;

type Rec = Record<string, unknown>;
const namespace = 'kube-node-lease';
const user = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

type Edit =
  | { kind: 'renew' | 'acquire' | 'holder'; value: string }
  | { kind: 'duration'; value: number }
  | { kind: 'wrongType' }
  | { kind: 'label'; value: string }
  | { kind: 'resetManagedFields' }
  | { kind: 'nothing' }
  // a renewal whose body lists the spec's members in another order (its stored text then differs)
  | { kind: 'renewReordered'; value: string }
  // an annotation holding spec.renewTime's value under the same name
  | { kind: 'annotateRenewTime' }
  // server-side apply of the current renewTime by another manager: it then shares the field
  | { kind: 'applyRenewTime' };

const timeArb = fc.constantFrom('2026-01-01T00:00:10.000000Z', '2026-01-01T00:00:20.000000Z', 'not a time', '');
const editArb: fc.Arbitrary<{ edit: Edit; writer: string; tick: boolean }> = fc.record({
  edit: fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('renew' as const), value: timeArb }) },
    fc.record({ kind: fc.constant('acquire' as const), value: timeArb }),
    fc.record({ kind: fc.constant('holder' as const), value: fc.constantFrom('n1', 'n2') }),
    fc.record({ kind: fc.constant('duration' as const), value: fc.constantFrom(40, 0) }),
    fc.constant({ kind: 'wrongType' as const }),
    fc.record({ kind: fc.constant('label' as const), value: fc.constantFrom('a', 'b') }),
    fc.constant({ kind: 'resetManagedFields' as const }),
    fc.constant({ kind: 'nothing' as const }),
    fc.constant({ kind: 'applyRenewTime' as const }),
    fc.record({ kind: fc.constant('renewReordered' as const), value: timeArb }),
    fc.constant({ kind: 'annotateRenewTime' as const }),
  ),
  writer: fc.constantFrom('kubelet', 'kubelet', 'other'),
  tick: fc.boolean(),
});

function applyEdit(held: KubeObject, edit: Edit): KubeObject {
  const l = held as Lease;
  const spec = (patch: Rec): KubeObject => ({ ...held, spec: { ...l.spec, ...patch } }) as KubeObject;
  switch (edit.kind) {
    case 'renew':
      return spec({ renewTime: edit.value });
    case 'acquire':
      return spec({ acquireTime: edit.value });
    case 'holder':
      return spec({ holderIdentity: edit.value });
    case 'duration':
      return spec({ leaseDurationSeconds: edit.value });
    case 'wrongType':
      return spec({ renewTime: 5 });
    case 'label':
      return { ...held, metadata: { ...l.metadata, labels: { ...l.metadata.labels, x: edit.value } } } as KubeObject;
    case 'resetManagedFields':
      return { ...held, metadata: { ...l.metadata, managedFields: [] } } as KubeObject;
    case 'renewReordered': {
      const members = Object.entries({ ...l.spec, renewTime: edit.value }).reverse();
      return { ...held, spec: Object.fromEntries(members) } as KubeObject;
    }
    case 'annotateRenewTime':
      return { ...held, metadata: { ...l.metadata, annotations: { renewTime: String(l.spec?.renewTime) } } } as KubeObject;
    case 'nothing':
    case 'applyRenewTime':
      return held;
  }
}

interface Outcome {
  answer?: string;
  error?: string;
  stored: string;
  text: string;
}

/** what a write did: its answer or error, and the Lease stored after it */
async function outcomeOf(registry: Registry, writeIt: () => Promise<{ object: KubeObject }>): Promise<{ outcome: Outcome; answer?: KubeObject }> {
  let answer: KubeObject | undefined;
  let error: string | undefined;
  try {
    answer = (await writeIt()).object;
  } catch (err) {
    error = JSON.stringify((err as { status?: unknown }).status ?? String(err));
  }
  // (the stored text itself, beside the object a read gives: a read may give the object the
  // write handed over, whose members' order the text need not have)
  const text = (await registry.store.get(objectKey(resources.leases, namespace, 'n1'))).kv?.value ?? '';
  const outcome: Outcome = { stored: JSON.stringify(await registry.get(resources.leases, 'n1', { namespace })), text };
  if (answer) outcome.answer = JSON.stringify(answer);
  if (error) outcome.error = error;
  return answer ? { outcome, answer } : { outcome };
}

/** an update by `writer` (its User-Agent names the manager); `givenAway`: as the HTTP handlers
 *  make it, the body the registry's own (nothing borrowed, so the full path) */
const write = (registry: Registry, body: KubeObject, writer: string, givenAway: boolean): ReturnType<typeof outcomeOf> =>
  outcomeOf(registry, () => registry.update(resources.leases, body, { namespace, user, userAgent: `${writer}/v1`, answerShared: true, ...(givenAway ? { owned: true } : {}) }));

/** the server-side apply of `held`'s renewTime by the manager `applier` */
const applyRenewTime = (registry: Registry, held: KubeObject): ReturnType<typeof outcomeOf> =>
  outcomeOf(registry, () => {
    const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace }, spec: { renewTime: (held as Lease).spec?.renewTime } };
    return registry.patch(resources.leases, 'n1', body, { type: 'apply', namespace, user, fieldManager: 'applier', force: true, answerShared: true });
  });

/** a registry with a Lease the kubelet created and renewed once, a watcher sharing every
 *  state, and the renewal's shared answer */
async function cluster(): Promise<{ registry: Registry; clock: VirtualClock; held: KubeObject; stop: () => Promise<void> }> {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const registry = await makeRegistry({ clock, seed: 3 });
  const handle = await registry.watch(resources.leases, { namespace }, { send: (_t, obj) => void obj.shared(), bookmark: () => undefined, error: () => undefined, end: () => undefined });
  const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:00.000000Z' } };
  await registry.create(resources.leases, lease, { namespace, user, userAgent: 'kubelet/v1' });
  await clock.advance(1000);
  const first = await registry.get(resources.leases, 'n1', { namespace });
  const held = (await registry.update(resources.leases, { ...first, spec: { ...(first as Lease).spec, renewTime: '2026-01-01T00:00:01.000000Z' } }, { namespace, user, userAgent: 'kubelet/v1', answerShared: true })).object;
  return { registry, clock, held, stop: async () => { handle.stop(); await registry.stop(); } };
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of open.splice(0)) await stop();
});

/** the edits made through a borrowing caller and, in a second cluster, with bodies given
 *  away (the full path): every outcome the same */
async function compareWithFullPath(edits: ReadonlyArray<{ edit: Edit; writer: string; tick: boolean }>): Promise<void> {
  const a = await cluster();
  const b = await cluster();
  open.push(a.stop, b.stop);
  let held = a.held;
  for (const { edit, writer, tick } of edits) {
    if (tick) {
      await a.clock.advance(1000);
      await b.clock.advance(1000);
    }
    const body = applyEdit(held, edit);
    const applies = edit.kind === 'applyRenewTime';
    const shortcut = applies ? await applyRenewTime(a.registry, held) : await write(a.registry, body, writer, false);
    const full = applies ? await applyRenewTime(b.registry, held) : await write(b.registry, structuredClone(body), writer, true);
    expect(shortcut.outcome).toEqual(full.outcome);
    if (shortcut.answer) held = shortcut.answer;
  }
  for (const stop of open.splice(0)) await stop();
}

describe('a Lease update of free leaves alone', () => {
  it('stores, answers and refuses as the full path does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 8 }), (edits) => compareWithFullPath(edits)),
      { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
    );
  });

  it('takes the field from the manager that owned it when another writer renews', async () => {
    // (another manager gets an entry of its own first, then renews: the kubelet loses renewTime)
    await compareWithFullPath([
      { edit: { kind: 'holder', value: 'n2' }, writer: 'other', tick: true },
      { edit: { kind: 'renew', value: '2026-01-01T00:00:20.000000Z' }, writer: 'other', tick: true },
      { edit: { kind: 'renew', value: '2026-01-01T00:00:10.000000Z' }, writer: 'kubelet', tick: true },
    ]);
  });

  it('takes the field from an applier that shared it when the kubelet renews', async () => {
    // (the label write keeps the shared field and leaves managedFields in canonical form, so
    // the renewal is a candidate for the shortcut, which must see the applier's claim; a
    // shrunk counterexample of the property above, for a shortcut that missed it)
    await compareWithFullPath([
      { edit: { kind: 'applyRenewTime' }, writer: 'kubelet', tick: true },
      { edit: { kind: 'label', value: 'a' }, writer: 'kubelet', tick: true },
      { edit: { kind: 'renew', value: '2026-01-01T00:00:20.000000Z' }, writer: 'kubelet', tick: true },
    ]);
  });

  it('applies to a renewal by the Lease holder: its entry gets the new time, nothing else changes', async () => {
    const a = await cluster();
    open.push(a.stop);
    const old = a.held as Lease;
    const { registry } = a;
    const info = registry.info(resources.leases);
    // the update's object as applyUpdate has it before defaulting: old's members, no resourceVersion
    const { resourceVersion: _rv, ...meta } = old.metadata;
    void _rv;
    const next = { ...old, metadata: meta, spec: { ...old.spec, renewTime: '2026-01-01T00:00:09.000000Z' } } as KubeObject;
    const entries = freeLeafManagedFields(info, next, old, 'kubelet', '2026-01-01T00:00:09Z');
    expect(entries).toBeDefined();
    expect(entries!.map((e) => e.time)).toEqual(['2026-01-01T00:00:09Z']);
    expect(entries![0]!.fieldsV1).toBe(old.metadata.managedFields![0]!.fieldsV1);
    // another writer, or a change beside the free leaves, takes the full path
    expect(freeLeafManagedFields(info, next, old, 'other', '2026-01-01T00:00:09Z')).toBeUndefined();
    const holder = { ...next, spec: { ...(next as Lease).spec, holderIdentity: 'n2' } } as KubeObject;
    expect(freeLeafManagedFields(info, holder, old, 'kubelet', '2026-01-01T00:00:09Z')).toBeUndefined();
  });
});
