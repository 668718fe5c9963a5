// Property tests of the registry's concurrency guarantees, on a memory store:
// - a watch from revision R sees exactly the committed changes after R, in order, and
//   folding them over the list at R gives the list at the end;
// - concurrent read-modify-write with resourceVersion preconditions loses no update;
// - a paginated list is one consistent snapshot even while writes go on.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isConflict, isNotFound, resources } from '@kubesim/shared';
import type { KubeObject, ResourceType, WatchEvent } from '@kubesim/shared';
import { makeConfigMap, makeRegistry } from '../test-helpers.ts';
import { createInProcessClient } from './in-process-client.ts';

type Op = { kind: 'create' | 'update' | 'delete'; name: string; value: string };
const op = fc.record({ kind: fc.constantFrom<'create' | 'update' | 'delete'>('create', 'update', 'delete'), name: fc.constantFrom('a', 'b', 'c', 'd'), value: fc.string({ maxLength: 4 }) });

async function runOp(client: ReturnType<typeof createInProcessClient>, o: Op): Promise<void> {
  try {
    if (o.kind === 'create') await client.create(resources.configmaps, makeConfigMap(o.name, { v: o.value }));
    else if (o.kind === 'update') await client.patch(resources.configmaps, o.name, { data: { v: o.value } }, { type: 'merge', namespace: 'default' });
    else await client.delete(resources.configmaps, o.name, { namespace: 'default' });
  } catch (err) {
    if (!isNotFound(err) && (err as { reason?: string }).reason !== 'AlreadyExists') throw err;
  }
}

function fold(state: Map<string, string>, ev: WatchEvent): void {
  const name = ev.object.metadata.name!;
  if (ev.type === 'DELETED') state.delete(name);
  else state.set(name, JSON.stringify((ev.object as KubeObject & { data?: unknown }).data ?? {}) + '@' + ev.object.metadata.resourceVersion);
}

describe('registry consistency', () => {
  it('a watch from R sees every change after R in order; list at R + events = final list', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), fc.array(fc.array(op, { maxLength: 6 }), { minLength: 1, maxLength: 4 }), async (before, concurrent) => {
        const registry = await makeRegistry();
        const client = createInProcessClient(registry);
        for (const o of before) await runOp(client, o);
        const start = await client.list(resources.configmaps, { namespace: 'default' });
        const state = new Map<string, string>();
        for (const item of start.items) fold(state, { type: 'ADDED', object: item });
        const events: WatchEvent[] = [];
        const w = client.watch(resources.configmaps, { namespace: 'default', resourceVersion: start.metadata.resourceVersion! });
        const reader = (async () => {
          for await (const ev of w) events.push(ev);
        })();
        await Promise.all(concurrent.map(async (seq) => {
          for (const o of seq) await runOp(client, o);
        }));
        const end = await client.list(resources.configmaps, { namespace: 'default' });
        const endRv = Number(end.metadata.resourceVersion);
        while (events.length === 0 || Number(events[events.length - 1]!.object.metadata.resourceVersion) < endRv) {
          if (Number(start.metadata.resourceVersion) === endRv) break;
          await new Promise((r) => setTimeout(r, 1));
        }
        w.close();
        await reader;
        const revs = events.map((e) => Number(e.object.metadata.resourceVersion));
        expect([...revs].sort((x, y) => x - y)).toEqual(revs);
        expect(new Set(revs).size).toBe(revs.length);
        expect(revs.every((r) => r > Number(start.metadata.resourceVersion))).toBe(true);
        for (const ev of events) fold(state, ev);
        const expected = new Map<string, string>();
        for (const item of end.items) fold(expected, { type: 'ADDED', object: item });
        expect(state).toEqual(expected);
        await registry.stop();
      }),
      { numRuns: 40, seed: 1 },
    );
  });

  it('concurrent read-modify-write with resourceVersion preconditions loses no update', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 6 }), async (writers, each) => {
        const registry = await makeRegistry();
        const client = createInProcessClient(registry);
        await client.create(resources.configmaps, makeConfigMap('counter', { n: '0' }));
        let conflicts = 0;
        await Promise.all(
          Array.from({ length: writers }, async () => {
            for (let i = 0; i < each; i++) {
              for (;;) {
                const cur = (await client.get(resources.configmaps as ResourceType, 'counter', { namespace: 'default' })) as KubeObject & { data: { n: string } };
                await new Promise((r) => setImmediate(r));
                try {
                  await client.update(resources.configmaps, { ...cur, data: { n: String(Number(cur.data.n) + 1) } });
                  break;
                } catch (err) {
                  if (!isConflict(err)) throw err;
                  conflicts++;
                }
              }
            }
          }),
        );
        const final = (await client.get(resources.configmaps as ResourceType, 'counter', { namespace: 'default' })) as KubeObject & { data: { n: string } };
        expect(Number(final.data.n)).toBe(writers * each);
        void conflicts;
        await registry.stop();
      }),
      { numRuns: 25, seed: 2 },
    );
  });

  it('paginated lists are consistent snapshots under concurrent writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.array(op, { minLength: 1, maxLength: 20 }), async (limit, writes) => {
        const registry = await makeRegistry();
        const client = createInProcessClient(registry);
        for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await client.create(resources.configmaps, makeConfigMap(n, { v: n }));
        const first = await client.list(resources.configmaps, { namespace: 'default', limit });
        const snapshotRv = first.metadata.resourceVersion!;
        const pages = [...first.items];
        let cont = first.metadata.continue;
        let i = 0;
        while (cont) {
          await runOp(client, writes[i++ % writes.length]!);
          const page = await client.list(resources.configmaps, { namespace: 'default', limit, continue: cont });
          expect(page.metadata.resourceVersion).toBe(snapshotRv);
          pages.push(...page.items);
          cont = page.metadata.continue;
        }
        const exact = await client.list(resources.configmaps, { namespace: 'default', resourceVersion: snapshotRv, resourceVersionMatch: 'Exact' });
        expect(pages).toEqual(exact.items);
        await registry.stop();
      }),
      { numRuns: 40, seed: 3 },
    );
  });
});
