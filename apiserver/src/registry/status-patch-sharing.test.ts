// A status merge patch over a stored state its watchers share (deep-frozen: the patch's
// result shares all but the status with it, and pruning skips those parts) must store,
// answer, warn and refuse exactly as the same patch over a private stored state, whatever
// members of the stored status it repeats (a kubelet sends its whole status each time),
// and its answers are the caller's own.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resources, VirtualClock } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import { makePod, makeRegistry } from '../test-helpers.ts';
import type { Registry } from './registry.ts';

const runs = Number(process.env['KUBESIM_PROPERTY_RUNS'] ?? 100);
const seed = process.env['KUBESIM_PROPERTY_SEED'] ? Number(process.env['KUBESIM_PROPERTY_SEED']) : undefined;

type Rec = Record<string, unknown>;
const user = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const ns = { namespace: 'default' };

const firstStatus: Rec = {
  phase: 'Running',
  conditions: [
    { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
  ],
  hostIP: '10.0.0.1',
  hostIPs: [{ ip: '10.0.0.1' }],
  podIP: '10.244.0.5',
  podIPs: [{ ip: '10.244.0.5' }],
  startTime: '2026-01-01T00:00:00Z',
  containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'nginx', imageID: 'x', state: { running: { startedAt: '2026-01-01T00:00:01Z' } } }],
};

/** how one status member of the next patch is made from the stored one */
type Change = 'same' | 'reordered' | 'leaf' | 'unknown' | 'null' | 'gone' | 'wrongType';
const changeArb = fc.constantFrom<Change>('same', 'same', 'same', 'reordered', 'leaf', 'unknown', 'null', 'gone', 'wrongType');
const members = Object.keys(firstStatus);
const patchArb = fc.record({
  changes: fc.array(fc.tuple(fc.constantFrom(...members), changeArb), { maxLength: 4 }),
  extra: fc.constantFrom<Rec | undefined>(undefined, { qosClass: 'BestEffort' }, { message: 'm' }),
});

function reorder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reorder);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reorder(x)]));
  return v;
}

function changed(v: unknown, change: Change): unknown {
  switch (change) {
    case 'same':
      return structuredClone(v);
    case 'reordered':
      return reorder(v);
    case 'leaf':
      return typeof v === 'string' ? `${v}x` : Array.isArray(v) ? [...structuredClone(v), ...structuredClone(v)].slice(0, 1) : { ...(v as Rec), added: 'y' };
    case 'unknown':
      return Array.isArray(v) ? v.map((x) => (x !== null && typeof x === 'object' ? { ...x, surplus: 1 } : x)) : v !== null && typeof v === 'object' ? { ...v, surplus: 1 } : v;
    case 'null':
      return null;
    case 'gone':
      return undefined;
    case 'wrongType':
      return 7;
  }
}

/** a registry with a pod `p` whose status is `firstStatus`; with `sharing`, a watcher shares
 *  (freezes) every stored state, so status patches may borrow from it */
async function cluster(sharing: boolean): Promise<{ registry: Registry; events: KubeObject[]; stop: () => Promise<void> }> {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const registry = await makeRegistry({ clock, seed: 7 });
  const events: KubeObject[] = [];
  const handle = await registry.watch(resources.pods, ns, { send: (_t, obj) => void events.push(sharing ? obj.shared() : obj.toObject()), bookmark: () => undefined, error: () => undefined, end: () => undefined });
  await registry.create(resources.pods, makePod('p', { nodeName: 'n1' }), { ...ns, user });
  await registry.patch(resources.pods, 'p', { status: firstStatus }, { ...ns, type: 'merge', subresource: 'status', user });
  return { registry, events, stop: async () => { handle.stop(); await registry.stop(); } };
}

async function patchStatus(registry: Registry, body: Rec): Promise<Rec> {
  const warnings: string[] = [];
  const out: Rec = { warnings };
  try {
    out['answer'] = JSON.stringify((await registry.patch(resources.pods, 'p', structuredClone(body), { ...ns, type: 'merge', subresource: 'status', user, userAgent: 'kubelet/v1', warnings })).object);
  } catch (err) {
    out['error'] = JSON.stringify((err as { status?: unknown }).status ?? String(err));
  }
  out['stored'] = JSON.stringify(await registry.get(resources.pods, 'p', ns));
  return out;
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of open.splice(0)) await stop();
});

/** each item's body (made from the stored state) patched over a shared and over a private
 *  stored state in turn: the same outcome each time */
async function expectSameOverSharedAndPrivate<T>(items: readonly T[], bodyOf: (item: T, stored: KubeObject & { status?: Rec }) => Rec): Promise<void> {
  const a = await cluster(true);
  const b = await cluster(false);
  open.push(a.stop, b.stop);
  for (const item of items) {
    const body = bodyOf(item, (await b.registry.get(resources.pods, 'p', ns)) as KubeObject & { status?: Rec });
    const outcomes = await Promise.all([a, b].map(({ registry }) => patchStatus(registry, body)));
    expect(outcomes[0]).toEqual(outcomes[1]);
  }
  for (const stop of open.splice(0)) await stop();
}

describe('a status merge patch over a shared stored state', () => {
  it('stores, answers, warns and refuses as over a private one, whatever members it repeats', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(patchArb, { minLength: 1, maxLength: 4 }), (patches) =>
        expectSameOverSharedAndPrivate(patches, (p, stored) => {
          // the whole stored status, as a kubelet sends it, with some members changed
          const status: Rec = structuredClone(stored.status ?? {});
          for (const [member, change] of p.changes) status[member] = changed(status[member], change);
          return { status: { ...status, ...p.extra } };
        }),
      ),
      { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
    );
  });

  it('prunes as over a private one, the parts beside the status included', async () => {
    // (a status patch's result shares all but status and metadata with the stored state,
    // whose own parts are not looked through for unknown fields)
    const member = fc.constantFrom<Rec>({ phase: 'Running' }, { phase: 'Pending', surplus: 1 }, { conditions: [{ type: 'Ready', status: 'True', extra: 'x' }] }, { podIP: '10.0.0.1' });
    const bodyArb = fc.record({ status: member, metadata: fc.constantFrom<Rec | undefined>(undefined, { uid: 'wrong' }, { labels: { l: 'v' } }, { surplus: true }), spec: fc.constantFrom<Rec | undefined>(undefined, { surplus: 2 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(bodyArb, { minLength: 1, maxLength: 4 }), (bodies) =>
        expectSameOverSharedAndPrivate(bodies, (p) => {
          const body: Rec = { status: p.status };
          if (p.metadata) body['metadata'] = p.metadata;
          if (p.spec) body['spec'] = p.spec;
          return body;
        }),
      ),
      { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
    );
  });

  it('answers copies the caller may change, and changing them changes nothing stored or shared', async () => {
    const a = await cluster(true);
    open.push(a.stop);
    const stored = (await a.registry.get(resources.pods, 'p', ns)) as KubeObject & { status: Rec };
    const status = { ...structuredClone(stored.status), phase: 'Succeeded' };
    const answer = (await a.registry.patch(resources.pods, 'p', { status }, { ...ns, type: 'merge', subresource: 'status', user })).object as KubeObject & { status: Rec };
    const [before, after] = a.events.slice(-2) as Array<KubeObject & { status: Rec }>;
    expect(after!.status['phase']).toBe('Succeeded');
    expect(before!.status['phase']).toBe('Running');
    expect(Object.isFrozen(answer.status['conditions'])).toBe(false);
    (answer.status['conditions'] as Rec[]).push({ type: 'Mine', status: 'True' });
    expect(after!.status['conditions']).toHaveLength(2);
    expect(JSON.stringify(await a.registry.get(resources.pods, 'p', ns))).not.toContain('Mine');
    // a dry run answers the object it would have stored, a copy too
    const dry = (await a.registry.patch(resources.pods, 'p', { status: { ...status, phase: 'Failed' } }, { ...ns, type: 'merge', subresource: 'status', user, dryRun: true })).object as KubeObject & { status: Rec };
    expect(dry.status['phase']).toBe('Failed');
    expect(Object.isFrozen(dry.status['containerStatuses'])).toBe(false);
    (dry.status['containerStatuses'] as Rec[]).pop();
    expect(a.events.at(-1)!).toBe(after);
    expect((after!.status['containerStatuses'] as Rec[]).length).toBe(1);
  });
});
