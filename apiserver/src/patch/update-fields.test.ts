// managedFieldsAfterUpdate, checked against the straightforward form it was made from
// (update-fields.reference.ts): random objects of a few kinds over a small vocabulary (so
// that list keys repeat, go missing and collide), random edits between the old and the
// new object, managers made by earlier writes or written by hand (out of canonical form),
// main-resource and status writes. Both must give the same entries, byte for byte.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deepFreeze, resources, type KubeObject, type ManagedFieldsEntry, type ResourceType } from '@kubesim/shared';
import { managedFieldsAfterUpdate, ownableContent } from './update-fields.ts';
import { ownableContent as referenceOwnableContent, referenceManagedFieldsAfterUpdate } from './update-fields.reference.ts';

type Json = unknown;
type JsonMap = Record<string, unknown>;

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:00:10Z';
const T2 = '2026-01-01T00:00:20Z';

interface Kind {
  type: ResourceType;
  object: fc.Arbitrary<JsonMap>;
}

/** what may be wrong with generated objects: nothing, one thing, or anything */
type Flaw = 'none' | 'duplicate keys' | 'missing keys' | 'newlines' | 'undefined' | 'all';

/**
 * Objects of a few kinds. Without flaws: no undefined values, no field names with a
 * newline, list items with all their keys and no two with the same (the objects real
 * writes carry); with one, that one thing may go wrong; with 'all', anything may.
 */
function vocabulary(flaw: Flaw): { kinds: Kind[]; anyValue: fc.Arbitrary<Json>; fieldName: fc.Arbitrary<string> } {
  const may = (f: Flaw): boolean => flaw === f || flaw === 'all';
  const words = ['a', 'b', 'Ready', 'web', '', 'TCP', 'UDP', 'x'];
  const word = fc.constantFrom(...(may('newlines') ? [...words, 'x\ny'] : words));
  const leaves: Array<fc.WeightedArbitrary<Json>> = [
    { weight: 6, arbitrary: word },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 3 }) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.constant([]) },
  ];
  if (may('undefined')) leaves.push({ weight: 1, arbitrary: fc.constant(undefined) });
  const leaf = fc.oneof(...leaves);
  const names = ['a', 'b', 'type', 'name', 'status', '', 'conditions', 'image', 'x'];
  const fieldName = fc.constantFrom(...(may('newlines') ? [...names, 'x\ny'] : names));
  const anyValue: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
    v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fieldName, tie('v'), { maxKeys: 3 })),
  })).v;
  const dict = (keys: fc.Arbitrary<string>, values: fc.Arbitrary<Json> = leaf): fc.Arbitrary<JsonMap> => fc.dictionary(keys, values, { maxKeys: 3 });
  /** a list keyed by `key` (plus `protocol`, defaulted, when `withProtocol`) */
  const keyed = (key: string, values: fc.Arbitrary<Json>, more: Record<string, fc.Arbitrary<Json>>, withProtocol = false): fc.Arbitrary<Json[]> => {
    const item = may('missing keys') ? record({ [key]: values, ...more }) : fc.tuple(values, record(more)).map(([k, rest]) => ({ [key]: k, ...rest }));
    if (may('duplicate keys')) return fc.array(item, { maxLength: 4 });
    return fc.uniqueArray(item, { maxLength: 4, selector: (r) => JSON.stringify([r[key], withProtocol ? (r['protocol'] ?? 'TCP') : 0]) });
  };
  const condition = keyed('type', fc.constantFrom('Ready', 'DiskPressure', 'a'), { status: fc.constantFrom('True', 'False'), lastHeartbeatTime: fc.constantFrom(T0, T1), reason: word, x: anyValue });
  const metadata = record({
    name: fc.constant('n'),
    namespace: fc.constant('default'),
    uid: fc.constant('u'),
    labels: dict(fc.constantFrom('app', 'kubernetes.io/os', '', 'a', 'x', ...(may('newlines') ? ['x\ny'] : []))),
    annotations: dict(fc.constantFrom('note', 'a')),
    finalizers: fc.array(fc.oneof(word, anyValue), { maxLength: 3 }),
    ownerReferences: keyed('uid', fc.constantFrom('u1', 'u2'), { name: word, kind: fc.constant('Node') }),
    generateName: word,
  });
  const kinds: Kind[] = [
    {
      type: resources.nodes,
      object: record({
        metadata,
        spec: record({ podCIDRs: fc.array(fc.constantFrom('10.0.0.0/24', '10.0.1.0/24'), { maxLength: 2 }), providerID: word, taints: anyValue, x: anyValue }),
        status: record({
          conditions: condition,
          addresses: keyed('type', fc.constantFrom('InternalIP', 'Hostname'), { address: word }),
          images: fc.array(record({ names: fc.array(word, { maxLength: 2 }), sizeBytes: fc.integer({ min: 1, max: 3 }) }), { maxLength: 3 }),
          nodeInfo: dict(fc.constantFrom('machineID', 'bootID', 'a'), word),
          capacity: dict(fc.constantFrom('cpu', 'memory', 'pods'), word),
          x: anyValue,
        }),
      }),
    },
    {
      type: resources.pods,
      object: record({
        metadata,
        spec: record({
          nodeName: word,
          containers: keyed('name', fc.constantFrom('web', 'side'), {
            image: word,
            ports: keyed('containerPort', fc.integer({ min: 80, max: 81 }), { protocol: fc.constantFrom('TCP', 'UDP'), name: word }, true),
            env: keyed('name', word, { value: word }),
            resources: record({ requests: dict(fc.constantFrom('cpu', 'memory'), word) }),
          }),
          x: anyValue,
        }),
        status: record({ phase: word, conditions: condition, podIPs: keyed('ip', fc.constantFrom('10.1.0.1', '10.1.0.2'), {}), x: anyValue }),
      }),
    },
    {
      type: resources.leases,
      object: record({ metadata, spec: record({ holderIdentity: word, leaseDurationSeconds: fc.constant(40), renewTime: fc.constantFrom(T0, T1, T2) }) }),
    },
    {
      type: resources.services,
      object: record({ metadata, spec: record({ ports: keyed('port', fc.integer({ min: 80, max: 81 }), { protocol: fc.constantFrom('TCP', 'UDP'), targetPort: anyValue }, true), selector: dict(fieldName, word) }) }),
    },
    { type: resources.configmaps, object: record({ metadata, data: dict(fieldName, word), x: anyValue }) },
  ];
  return { kinds, anyValue, fieldName };
}

const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 3 });
const clean = (m: JsonMap): JsonMap => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));
/** an object with optional members: a member left out is absent, not undefined */
const record = (fields: Record<string, fc.Arbitrary<Json>>): fc.Arbitrary<JsonMap> =>
  fc.record(Object.fromEntries(Object.entries(fields).map(([k, a]) => [k, maybe(a)]))).map(clean);

const { kinds, anyValue, fieldName } = vocabulary('all');
const flaws: Flaw[] = ['none', 'none', 'duplicate keys', 'missing keys', 'newlines', 'undefined', 'all'];
const kindsWith = new Map(flaws.map((f) => [f, vocabulary(f).kinds]));

/** an edit at a place chosen by walking `steps` (indices taken modulo what is there) */
interface Edit {
  steps: number[];
  /** tweak: a new value of the same kind for a string, number or boolean (the shape stays) */
  op: 'set' | 'delete' | 'add' | 'duplicate' | 'reverse' | 'tweak';
  key: string;
  value: Json;
}
const editArb: fc.Arbitrary<Edit> = fc.record({
  steps: fc.array(fc.nat(5), { minLength: 1, maxLength: 5 }),
  op: fc.constantFrom('set', 'delete', 'add', 'duplicate', 'reverse', 'tweak', 'tweak', 'tweak'),
  key: fieldName,
  value: anyValue,
});

function applyEdit(root: JsonMap, e: Edit): void {
  let node: unknown = root;
  for (let i = 0; i < e.steps.length; i++) {
    const keys = Array.isArray(node) ? node.map((_, j) => j) : node !== null && typeof node === 'object' ? Object.keys(node) : [];
    if (keys.length === 0) break;
    const k = keys[e.steps[i]! % keys.length]!;
    const child = (node as Record<string | number, unknown>)[k];
    const last = i === e.steps.length - 1 || child === null || typeof child !== 'object';
    if (!last) {
      node = child;
      continue;
    }
    const parent = node as Record<string | number, unknown>;
    if (e.op === 'tweak') {
      if (typeof child === 'string') parent[k] = `${child}+`;
      else if (typeof child === 'number') parent[k] = child + 1;
      else if (typeof child === 'boolean') parent[k] = !child;
    } else if (e.op === 'set') parent[k] = structuredClone(e.value);
    else if (e.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(k as number, 1);
      else delete parent[k];
    } else if (e.op === 'add') {
      if (Array.isArray(child)) child.push(structuredClone(e.value));
      else if (child !== null && typeof child === 'object') (child as JsonMap)[e.key] = structuredClone(e.value);
      else if (!Array.isArray(parent)) parent[e.key] = structuredClone(e.value);
    } else if (e.op === 'duplicate') {
      if (Array.isArray(child) && child.length) child.push(structuredClone(child[0]));
      else if (Array.isArray(parent)) parent.push(structuredClone(child));
    } else if (Array.isArray(child)) child.reverse();
    else if (Array.isArray(parent)) parent.reverse();
    return;
  }
}

/** `obj` after the edits (its managedFields are not edited, but carried over) */
const edited = (obj: JsonMap, edits: Edit[]): JsonMap => {
  const copy = structuredClone(obj);
  const meta = copy['metadata'] as JsonMap;
  const managed = meta['managedFields'];
  delete meta['managedFields'];
  for (const e of edits) applyEdit(copy, e);
  const after = copy['metadata'];
  if (managed !== undefined && after !== null && typeof after === 'object' && !Array.isArray(after)) (after as JsonMap)['managedFields'] = managed;
  return copy;
};

const fieldsKey = fc.constantFrom('.', 'f:spec', 'f:status', 'f:metadata', 'f:labels', 'f:conditions', 'k:{"type":"Ready"}', 'v:"a"', 'i:0', 'f:x\ny', 'f:image', 'bogus', '');
const fieldsV1Arb: fc.Arbitrary<Json> = fc.letrec<{ t: Json }>((tie) => ({
  t: fc.oneof({ depthSize: 'small' }, fc.constant({}), fc.dictionary(fieldsKey, tie('t'), { maxKeys: 4 }), fc.constantFrom(null, true, 'x')),
})).t;
const handWritten: fc.Arbitrary<ManagedFieldsEntry> = fc
  .record({
    manager: fc.constantFrom('a', 'b', 'kubelet'),
    operation: fc.constantFrom('Update', 'Apply'),
    subresource: maybe(fc.constantFrom('status', 'scale')),
    time: fc.constant(T0),
    fieldsType: maybe(fc.constant('FieldsV1')),
    fieldsV1: fieldsV1Arb,
  })
  .map((e) => clean(e) as unknown as ManagedFieldsEntry);

/** a canonical FieldsV1 tree spoiled at one node (found by walking `steps`) */
const perturbArb = fc.record({
  entry: fc.nat(3),
  steps: fc.array(fc.nat(5), { maxLength: 4 }),
  op: fc.constantFrom('dotValue', 'dotTrue', 'reorder', 'leafValue', 'dotAlone', 'badKey', 'emptyKey', 'rename', 'noFieldsType', 'emptyTree'),
  manager: fc.constantFrom('a', 'b', 'kubelet'),
});
type Perturb = typeof perturbArb extends fc.Arbitrary<infer P> ? P : never;

function perturbed(entries: ManagedFieldsEntry[], p: Perturb): ManagedFieldsEntry | undefined {
  if (entries.length === 0) return undefined;
  const entry = structuredClone(entries[p.entry % entries.length]!);
  // still canonical, but another manager owning the same fields, or no fieldsType, or none
  if (p.op === 'rename') return { ...entry, manager: p.manager };
  if (p.op === 'noFieldsType') return clean({ ...entry, fieldsType: undefined }) as unknown as ManagedFieldsEntry;
  if (p.op === 'emptyTree') return { ...entry, manager: p.manager, fieldsV1: {} };
  let node = entry.fieldsV1 as JsonMap;
  for (const step of p.steps) {
    const keys = Object.keys(node).filter((k) => k !== '.' && Object.keys(node[k] as JsonMap).length > 0);
    if (keys.length === 0) break;
    node = node[keys[step % keys.length]!] as JsonMap;
  }
  const keys = Object.keys(node);
  if (p.op === 'dotValue') node['.'] = { 'f:a': {} };
  else if (p.op === 'dotTrue') node['.'] = true;
  else if (p.op === 'reorder') {
    for (const k of keys) {
      const v = node[k];
      delete node[k];
      node[k] = v;
      break;
    }
  } else if (p.op === 'leafValue') {
    const k = keys.find((x) => x !== '.' && Object.keys(node[x] as JsonMap).length === 0);
    if (k) node[k] = null;
  } else if (p.op === 'dotAlone') node['f:zz'] = { '.': {} };
  else if (p.op === 'badKey') node['zz'] = {};
  else node[''] = {};
  return entry;
}

/** one write by a manager, as the reference records it */
const writeArb = fc.record({
  manager: fc.constantFrom('a', 'b', 'kubelet'),
  subresource: fc.constantFrom(undefined, undefined, 'status', 'scale'),
  edits: fc.array(editArb, { maxLength: 4 }),
});

const scenario = fc.integer({ min: 0, max: kinds.length - 1 }).chain((k) =>
  fc.record({
    kind: fc.constant(k),
    base: kinds[k]!.object,
    history: fc.array(writeArb, { maxLength: 3 }),
    extra: fc.array(handWritten, { maxLength: 2 }),
    spoiled: fc.array(perturbArb, { maxLength: 2 }),
    shuffle: fc.boolean(),
    write: writeArb,
    given: fc.constantFrom('none', 'same', 'other'),
    apiVersion: fc.constantFrom(undefined, 'v1'),
  }),
);

const withMeta = (content: JsonMap, apiVersion?: string): KubeObject => {
  const obj = { ...(apiVersion ? { apiVersion } : {}), ...content } as JsonMap;
  if (obj['metadata'] === null || typeof obj['metadata'] !== 'object' || Array.isArray(obj['metadata'])) obj['metadata'] = {};
  return obj as unknown as KubeObject;
};

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;

/** scenarios whose last write is one of `write`, on an object of any kind with one of
 *  `flawsOf`, after at most `historyMax` earlier writes (ordinary ones or like the last),
 *  with `spoiled` managedFields and no hand-written entries */
function lastWriteScenario(write: fc.Arbitrary<Scenario['write']>, flawsOf: readonly Flaw[], historyMax: number, spoiled: fc.Arbitrary<Perturb[]>): fc.Arbitrary<Scenario> {
  return fc.tuple(fc.integer({ min: 0, max: kinds.length - 1 }), fc.constantFrom(...flawsOf)).chain(([k, flaw]) =>
    fc.record({
      kind: fc.constant(k),
      base: kindsWith.get(flaw)![k]!.object,
      history: fc.array(fc.oneof(writeArb, write), { maxLength: historyMax }),
      extra: fc.constant<ManagedFieldsEntry[]>([]),
      spoiled,
      shuffle: fc.boolean(),
      write,
      given: fc.constantFrom('none', 'same'),
      apiVersion: fc.constantFrom(undefined, 'v1'),
    }),
  );
}

/** the old object made by the scenario's writes, its last write, and that write's arguments */
function scenarioObjects(s: Scenario) {
  const type = kinds[s.kind]!.type;
  // the old object and its managers: created by `a`, then the history of writes
  let old = withMeta(s.base, s.apiVersion);
  const first = referenceManagedFieldsAfterUpdate(undefined, old, 'a', 'Update', T0, type);
  if (first) old.metadata.managedFields = first;
  for (const w of s.history) {
    const next = withMeta(edited(old as unknown as JsonMap, w.edits), s.apiVersion);
    const managed = referenceManagedFieldsAfterUpdate(old, next, w.manager, 'Update', T1, type, w.subresource);
    if (managed === undefined) delete next.metadata.managedFields;
    else next.metadata.managedFields = managed;
    old = next;
  }
  const made = old.metadata.managedFields ?? [];
  const spoiled = s.spoiled.map((p) => perturbed(made, p)).filter((e) => e !== undefined);
  const entries = [...made, ...spoiled, ...s.extra];
  if (s.shuffle) entries.reverse();
  old.metadata.managedFields = entries;
  const updated = withMeta(edited(old as unknown as JsonMap, s.write.edits), s.apiVersion);
  if (s.given === 'none') delete updated.metadata.managedFields;
  else if (s.given === 'other') updated.metadata.managedFields = entries.slice(1);
  else updated.metadata.managedFields = structuredClone(entries);

  const args = [s.write.manager, 'Update', T2, type, s.write.subresource] as const;
  return { old, updated, args };
}

/** the old object made by the scenario's writes, then its last write: both ways agree */
function checkScenario(s: Scenario): void {
  const { old, updated, args } = scenarioObjects(s);
  const oldText = JSON.stringify(old);
  const updatedText = JSON.stringify(updated);
  const want = outcome(() => referenceManagedFieldsAfterUpdate(structuredClone(old), structuredClone(updated), ...args));
  const got = outcome(() => managedFieldsAfterUpdate(old, updated, ...args));
  expect(got).toBe(want);
  // and it changed neither input
  expect(JSON.stringify(old)).toBe(oldText);
  expect(JSON.stringify(updated)).toBe(updatedText);
}

function outcome(fn: () => ManagedFieldsEntry[] | undefined): string {
  try {
    const out = fn();
    return out === undefined ? 'undefined' : JSON.stringify(out);
  } catch (err) {
    return `threw ${(err as Error).name}`;
  }
}

describe('managedFieldsAfterUpdate', () => {
  it('gives exactly the entries the straightforward form gives', () => {
    fc.assert(
      fc.property(scenario, checkScenario),
      { numRuns: 3000 },
    );
  });

  it('agrees on writes that only change values, mostly the writer\'s own (a Lease renewal, a heartbeat)', () => {
    const tweak = fc.oneof({ weight: 5, arbitrary: editArb.map((e) => ({ ...e, op: 'tweak' as const })) }, { weight: 1, arbitrary: editArb });
    const valueWrite: fc.Arbitrary<Scenario['write']> = fc.record({ manager: fc.constantFrom('a', 'a', 'b'), subresource: fc.constantFrom(undefined, 'status'), edits: fc.array(tweak, { minLength: 1, maxLength: 4 }) });
    const valueScenario = lastWriteScenario(valueWrite, flaws, 2, fc.oneof({ weight: 3, arbitrary: fc.constant<Perturb[]>([]) }, { weight: 2, arbitrary: fc.array(perturbArb, { maxLength: 2 }) }));
    fc.assert(fc.property(valueScenario, checkScenario), { numRuns: 3000 });
  });

  it('agrees on writes that add and drop fields and list items (a binding, a pod\'s new status)', () => {
    const grow = fc.oneof(
      { weight: 4, arbitrary: editArb.map((e) => ({ ...e, op: 'add' as const })) },
      { weight: 2, arbitrary: editArb.map((e) => ({ ...e, op: 'delete' as const })) },
      { weight: 2, arbitrary: editArb.map((e) => ({ ...e, op: 'tweak' as const })) },
      { weight: 1, arbitrary: editArb },
    );
    const growWrite: fc.Arbitrary<Scenario['write']> = fc.record({ manager: fc.constantFrom('a', 'b', 'kubelet'), subresource: fc.constantFrom(undefined, 'status', 'scale'), edits: fc.array(grow, { minLength: 1, maxLength: 4 }) });
    const growScenario = lastWriteScenario(growWrite, ['none', 'none', 'none', 'duplicate keys', 'missing keys', 'all'], 3, fc.oneof({ weight: 4, arbitrary: fc.constant<Perturb[]>([]) }, { weight: 1, arbitrary: fc.array(perturbArb, { maxLength: 1 }) }));
    fc.assert(fc.property(growScenario, checkScenario), { numRuns: 3000 });
  });

  it('rebuilds hand-written FieldsV1 that is not in canonical form, as the reference does', () => {
    const cm = (data: JsonMap, fieldsV1: JsonMap): KubeObject =>
      ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: [{ manager: 'b', operation: 'Update', time: T0, fieldsType: 'FieldsV1', fieldsV1 }] }, data }) as unknown as KubeObject;
    const trees: JsonMap[] = [
      { '': {}, 'f:data': { 'f:a': {} } },
      { 'f:data': { '.': {}, 'f:a': {} }, '.': {} },
      { 'f:data': { 'f:b': {}, 'f:a': {} } },
      { 'f:data': { '.': { 'f:x': {} }, 'f:a': {} } },
      { 'f:data': { 'f:a': true } },
      { 'f:data': { 'f:a': {}, 'f:z': { '.': {} } } },
      { 'f:data': { '10': {}, '9': {}, 'f:a': {} } },
      { 'f:data': { 'f:a': {}, 'f:x\ny': {} } },
    ];
    for (const tree of trees) {
      const old = cm({ a: '1', b: '2' }, tree);
      const updated = cm({ a: '1', b: '3' }, tree);
      const want = JSON.stringify(referenceManagedFieldsAfterUpdate(structuredClone(old), structuredClone(updated), 'a', 'Update', T1, resources.configmaps));
      expect(JSON.stringify(managedFieldsAfterUpdate(old, updated, 'a', 'Update', T1, resources.configmaps))).toBe(want);
    }
  });

  it('agrees where a set member\'s JSON hides an undefined member', () => {
    const cm = (finalizers: unknown[], managedFields?: ManagedFieldsEntry[]): KubeObject =>
      ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers, ...(managedFields ? { managedFields } : {}) }, data: {} }) as unknown as KubeObject;
    const created = referenceManagedFieldsAfterUpdate(undefined, cm([{ a: undefined }]), 'a', 'Update', T0, resources.configmaps)!;
    const old = cm([{ a: undefined }], created);
    const updated = cm([{}]);
    const want = JSON.stringify(referenceManagedFieldsAfterUpdate(structuredClone(old), structuredClone(updated), 'a', 'Update', T1, resources.configmaps));
    expect(JSON.stringify(managedFieldsAfterUpdate(old, updated, 'a', 'Update', T1, resources.configmaps))).toBe(want);
  });

  it('agrees where list keys repeat or go missing, or a field name holds a newline', () => {
    const pod = (containers: JsonMap[], labels: JsonMap = {}): KubeObject =>
      ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels }, spec: { containers } }) as unknown as KubeObject;
    const cases: Array<[KubeObject, KubeObject]> = [
      // the second of two items keyed alike changes: a path names the first only
      [pod([{ name: 'web', image: 'a' }, { name: 'web', image: 'b' }]), pod([{ name: 'web', image: 'a' }, { name: 'web', image: 'c' }])],
      // an item without its key: its path `k:{}` names the first item
      [pod([{ name: 'web', image: 'a' }, { image: 'b' }]), pod([{ name: 'web', image: 'a' }, { image: 'c' }])],
      // `x` and `x\ny`: the path of the one is a prefix of the other's
      [pod([{ name: 'web' }], { x: '1', 'x\ny': '2' }), pod([{ name: 'web' }], { x: '3', 'x\ny': '2' })],
    ];
    for (const [before, after] of cases) {
      const created = referenceManagedFieldsAfterUpdate(undefined, before, 'a', 'Update', T0, resources.pods)!;
      // as made at creation, and owning only the fields without a newline
      const trees = [created, created.map((e) => ({ ...e, fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:x': {} } }, 'f:spec': (e.fieldsV1 as JsonMap)['f:spec'] } }))];
      for (const managed of trees) {
        const old = { ...before, metadata: { ...before.metadata, managedFields: managed } } as KubeObject;
        const want = JSON.stringify(referenceManagedFieldsAfterUpdate(structuredClone(old), structuredClone(after), 'a', 'Update', T1, resources.pods));
        expect(JSON.stringify(managedFieldsAfterUpdate(old, after, 'a', 'Update', T1, resources.pods))).toBe(want);
      }
    }
  });

  it('agrees when the old entries are its own, frozen, as a stored state\'s are in process', () => {
    // every write of the history made by managedFieldsAfterUpdate itself (so its entries are
    // marked canonical) and deep-frozen, as the registry's watchers freeze a stored state;
    // the last write then compared with the reference on copies of the same objects
    const valueOrGrow = fc.oneof(
      { weight: 4, arbitrary: editArb.map((e) => ({ ...e, op: 'tweak' as const })) },
      { weight: 2, arbitrary: editArb.map((e) => ({ ...e, op: 'add' as const })) },
      { weight: 1, arbitrary: editArb.map((e) => ({ ...e, op: 'delete' as const })) },
      { weight: 1, arbitrary: editArb },
    );
    const write = fc.record({ manager: fc.constantFrom('a', 'b', 'kubelet'), subresource: fc.constantFrom(undefined, 'status', 'status'), edits: fc.array(valueOrGrow, { maxLength: 3 }) });
    const inProcess = fc.tuple(fc.integer({ min: 0, max: kinds.length - 1 }), fc.constantFrom<Flaw>('none', 'none', 'none', 'duplicate keys', 'missing keys', 'all')).chain(([k, flaw]) =>
      fc.record({ kind: fc.constant(k), base: kindsWith.get(flaw)![k]!.object, history: fc.array(write, { minLength: 1, maxLength: 4 }), write }),
    );
    fc.assert(
      fc.property(inProcess, (s) => {
        const type = kinds[s.kind]!.type;
        let old = withMeta(structuredClone(s.base));
        const first = managedFieldsAfterUpdate(undefined, old, 'a', 'Update', T0, type);
        if (first) old.metadata.managedFields = deepFreeze(first);
        for (const w of s.history) {
          // (edited carries the old entries over: the write sends them back as it got them)
          const next = withMeta(edited(old as unknown as JsonMap, w.edits));
          const managed = managedFieldsAfterUpdate(old, next, w.manager, 'Update', T1, type, w.subresource);
          if (managed === undefined) delete next.metadata.managedFields;
          else next.metadata.managedFields = deepFreeze(managed);
          old = next;
        }
        const updated = withMeta(edited(old as unknown as JsonMap, s.write.edits));
        const args = [s.write.manager, 'Update', T2, type, s.write.subresource] as const;
        const want = outcome(() => referenceManagedFieldsAfterUpdate(structuredClone(old), structuredClone(updated), ...args));
        expect(outcome(() => managedFieldsAfterUpdate(old, updated, ...args))).toBe(want);
      }),
      { numRuns: 3000 },
    );
  });

  it('restamps the writer of a Lease renewal, keeping its fields as they were', () => {
    const lease = (renewTime: string): KubeObject =>
      ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime } }) as KubeObject;
    const created = lease(T0);
    created.metadata.managedFields = managedFieldsAfterUpdate(undefined, created, 'kubelet', 'Update', T0, resources.leases)!;
    const renewed = { ...lease(T1), metadata: { ...lease(T1).metadata, managedFields: created.metadata.managedFields } } as KubeObject;
    const out = managedFieldsAfterUpdate(created, renewed, 'kubelet', 'Update', T1, resources.leases)!;
    expect(out).toHaveLength(1);
    expect(out[0]).toEqual({ ...created.metadata.managedFields![0], time: T1 });
    expect(out[0]!.fieldsV1).toBe(created.metadata.managedFields![0]!.fieldsV1);
  });
});

describe('ownableContent', () => {
  it('keeps what the destructuring form keeps, in the same order', () => {
    const key = fc.constantFrom('apiVersion', 'kind', 'metadata', 'status', 'spec', 'name', 'uid', 'labels', 'managedFields', '__proto__', '0', 'x');
    const value = fc.oneof(fc.constantFrom<unknown>('s', 1, null, undefined, 'abc'), fc.dictionary(key, fc.constantFrom<unknown>(1, 'v', null, undefined), { maxKeys: 5 }));
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (obj) => {
        const o = obj as unknown as KubeObject;
        const got = ownableContent(o);
        const want = referenceOwnableContent(o);
        expect(Object.keys(got)).toEqual(Object.keys(want));
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
      }),
      { numRuns: 2000 },
    );
  });
});
