import { describe, it, expect } from 'vitest';
import { resources } from '@kubesim/shared';
import type { WatchEvent } from '@kubesim/shared';
import { applyJsonPatch, parseJsonPatch } from './json-patch.ts';
import { mergePatch } from './merge-patch.ts';
import { makeConfigMap, makeRegistry } from '../test-helpers.ts';
import { createInProcessClient } from './in-process-client.ts';

describe('mergePatch (RFC 7386)', () => {
  it('merges objects, deletes nulls and replaces arrays', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { b: { c: null, x: 1 }, e: [3] })).toEqual({ a: 1, b: { d: 3, x: 1 }, e: [3] });
    expect(mergePatch({ a: 1 }, 'x')).toBe('x');
  });
});

describe('applyJsonPatch (RFC 6902)', () => {
  const doc = { a: { b: [1, 2, 3] }, 'x/y': 1, 'm~n': 2 };
  it('applies add, remove, replace, move, copy and test with escaped pointers', () => {
    const out = applyJsonPatch(
      doc,
      parseJsonPatch([
        { op: 'add', path: '/a/b/-', value: 4 },
        { op: 'add', path: '/a/b/0', value: 0 },
        { op: 'remove', path: '/a/b/1' },
        { op: 'replace', path: '/x~1y', value: 9 },
        { op: 'copy', from: '/m~0n', path: '/c' },
        { op: 'move', from: '/c', path: '/d' },
        { op: 'test', path: '/d', value: 2 },
      ]),
    );
    expect(out).toEqual({ a: { b: [0, 2, 3, 4] }, 'x/y': 9, 'm~n': 2, d: 2 });
    expect(doc.a.b).toEqual([1, 2, 3]);
  });
  it('fails as a whole with 422 when an operation fails, and 400 for a malformed document', () => {
    expect(() => applyJsonPatch(doc, parseJsonPatch([{ op: 'replace', path: '/nope', value: 1 }]))).toThrow(/missing/);
    expect(() => applyJsonPatch(doc, parseJsonPatch([{ op: 'test', path: '/x~1y', value: 2 }]))).toThrow(/test failed/);
    expect(() => parseJsonPatch({ op: 'add' })).toThrow();
    expect(() => parseJsonPatch([{ op: 'jump', path: '/a' }])).toThrow();
  });
  it('names the JSON kind of a document that is not an array, as Go does, and takes null as no operations', () => {
    expect(() => parseJsonPatch({ op: 'add' })).toThrow('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    expect(() => parseJsonPatch('add')).toThrow('json: cannot unmarshal string into Go value of type jsonpatch.Patch');
    expect(() => parseJsonPatch(7)).toThrow('json: cannot unmarshal number into Go value of type jsonpatch.Patch');
    expect(() => parseJsonPatch(true)).toThrow('json: cannot unmarshal bool into Go value of type jsonpatch.Patch');
    expect(parseJsonPatch(null)).toEqual([]);
  });
});

describe('merge and strategic patches that are not JSON objects', () => {
  it('are a 400 naming the JSON kind, and change nothing', async () => {
    const registry = await makeRegistry();
    const client = createInProcessClient(registry);
    const cm = await client.create(resources.configmaps, makeConfigMap('c', { a: '1' }), { namespace: 'default' });
    for (const type of ['merge', 'strategic'] as const) {
      await expect(client.patch(resources.configmaps, 'c', [1, 2], { type, namespace: 'default' })).rejects.toMatchObject({
        status: { code: 400, reason: 'BadRequest', message: 'json: cannot unmarshal array into Go value of type map[string]interface {}' },
      });
    }
    expect((await client.get(resources.configmaps, 'c', { namespace: 'default' })).metadata.resourceVersion).toBe(cm.metadata.resourceVersion);
  });
});

describe('watch resume beyond the watch cache window', () => {
  it('serves an old resourceVersion from the store when the cache no longer has it', async () => {
    const registry = await makeRegistry({ capacity: 3 });
    const client = createInProcessClient(registry);
    const first = await client.create(resources.configmaps, makeConfigMap('r0'));
    for (let i = 1; i <= 10; i++) await client.create(resources.configmaps, makeConfigMap(`r${i}`));
    const w = client.watch(resources.configmaps, { namespace: 'default', resourceVersion: first.metadata.resourceVersion! });
    const got: WatchEvent[] = [];
    for await (const ev of w) {
      got.push(ev);
      if (got.length === 10) break;
    }
    w.close();
    expect(got.map((e) => e.object.metadata.name)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10']);
    await registry.stop();
  });
});
