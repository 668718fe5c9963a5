import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minimalObjects, makeObject } from './fixtures.ts';
import { definitionFor, kindDefinitions } from './kinds.ts';
import type { KindDefinition } from './kind.ts';
import { allResources, resources, type ResourceName } from './resources.ts';

const names = Object.keys(resources) as ResourceName[];
const defOf = (r: ResourceName): KindDefinition => kindDefinitions[r] as unknown as KindDefinition;

describe('kindDefinitions', () => {
  it('has a definition for every served resource, keyed like resources', () => {
    expect(Object.keys(kindDefinitions).sort()).toEqual([...names].sort());
    for (const r of names) expect(kindDefinitions[r].type).toBe(resources[r]);
  });

  it('definitionFor finds each definition from its ResourceType', () => {
    for (const rt of allResources) expect(definitionFor(rt).type).toBe(rt);
  });

  it.each(names)('accepts the defaulted minimal %s', (r) => {
    const obj = makeObject(r);
    defOf(r).setDefaults(obj);
    expect(defOf(r).validate(obj)).toEqual([]);
    expect(defOf(r).validateUpdate(structuredClone(obj), obj)).toEqual([]);
  });

  it('checks an update against an old object the caller vouches for just as against one it checks itself', () => {
    const def = kindDefinitions.deployments as unknown as KindDefinition;
    const old = makeObject('deployments');
    def.setDefaults(old);
    const moved = structuredClone(old) as unknown as { spec: { selector: unknown } };
    moved.spec.selector = { matchLabels: { other: 'x' } };
    const checked = def.validateUpdate(moved as never, old);
    expect(checked.map((c) => c.field)).toContain('spec.selector');
    expect(def.validateUpdate(moved as never, old, false, true)).toEqual(checked);
    // an old object that is not well-typed is not given to the kind's update checks, unless vouched for
    const broken = { ...structuredClone(old), spec: { ...(old as unknown as { spec: object }).spec, replicas: 'many' } } as never;
    expect(def.validateUpdate(moved as never, broken).map((c) => c.field)).not.toContain('spec.selector');
  });

  it.each(names)('defaulting a %s twice changes nothing the second time', (r) => {
    const once = makeObject(r);
    defOf(r).setDefaults(once);
    const twice = structuredClone(once);
    defOf(r).setDefaults(twice);
    expect(twice).toEqual(once);
  });

  it.each(names)('keeps unknown fields of a %s through parse, defaulting and validation', (r) => {
    const obj = makeObject<Record<string, unknown> & { metadata: Record<string, unknown> }>(r, {
      futureField: { nested: [1, 2] },
      metadata: { futureMeta: 'x' },
    });
    const def = defOf(r);
    const parsed = def.schema.parse(obj) as unknown as Record<string, unknown>;
    expect(parsed['futureField']).toEqual({ nested: [1, 2] });
    def.setDefaults(obj as never);
    expect(obj['futureField']).toEqual({ nested: [1, 2] });
    expect(obj.metadata['futureMeta']).toBe('x');
    expect(def.validate(obj as never)).toEqual([]);
  });

  it.each(names)('reports a missing name of a %s as metadata.name Required value', (r) => {
    const obj = makeObject(r);
    delete obj.metadata.name;
    expect(defOf(r).validate(obj)).toContainEqual({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  });

  it('never throws on arbitrary JSON in spec and status', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.jsonValue(), (r, junk) => {
        const def = defOf(r);
        const obj = { ...structuredClone(minimalObjects[r]), spec: junk, status: junk } as never;
        def.setDefaults(obj);
        def.validate(obj);
        def.validateUpdate(obj, structuredClone(minimalObjects[r]) as never);
        def.selectableFields(obj);
      }),
      { numRuns: 300 },
    );
  });

  it('setDefaults is idempotent and keeps valid pods valid, whatever optional fields are set', () => {
    const podDef = kindDefinitions.pods;
    const arbContainer = fc.record(
      {
        name: fc.constantFrom('a', 'b', 'c'),
        image: fc.constantFrom('nginx', 'nginx:latest', 'nginx:1.27', 'reg.io:5000/app', 'app@sha256:abc'),
        ports: fc.array(fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }) }, { requiredKeys: ['containerPort'] }), { maxLength: 2 }),
        resources: fc.record({ limits: fc.record({ cpu: fc.constantFrom('1', '500m'), memory: fc.constantFrom('1Gi', '128Mi') }) }),
        readinessProbe: fc.record({ tcpSocket: fc.record({ port: fc.integer({ min: 1, max: 65535 }) }), periodSeconds: fc.integer({ min: 1, max: 60 }) }, { requiredKeys: ['tcpSocket'] }),
      },
      { requiredKeys: ['name', 'image'] },
    );
    const arbPod = fc.record(
      {
        containers: fc.uniqueArray(arbContainer, { minLength: 1, maxLength: 3, selector: (c) => c.name }),
        restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'),
        hostNetwork: fc.boolean(),
        nodeSelector: fc.dictionary(fc.constantFrom('zone', 'disk', 'kubernetes.io/os'), fc.constantFrom('a', 'ssd', 'linux')),
        priorityClassName: fc.constantFrom('high', 'low'),
        tolerations: fc.array(fc.record({ key: fc.constantFrom('k1', 'k2'), operator: fc.constant('Exists'), effect: fc.constantFrom('NoSchedule', 'NoExecute') }), { maxLength: 2 }),
      },
      { requiredKeys: ['containers'] },
    );
    fc.assert(
      fc.property(arbPod, (spec) => {
        const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec } as never;
        podDef.setDefaults(pod);
        const again = structuredClone(pod);
        podDef.setDefaults(again);
        expect(again).toEqual(pod);
        expect(podDef.validate(pod)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('turns a wrongly typed field into a FieldValueInvalid cause with its path', () => {
    const d = makeObject('deployments', { spec: { replicas: 'abc' } });
    expect(kindDefinitions.deployments.validate(d as never)).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "abc": must be of type integer', field: 'spec.replicas' },
    ]);
  });

  it('treats JSON null as unset (kubectl sends creationTimestamp: null in templates)', () => {
    const d = makeObject('deployments', { metadata: { creationTimestamp: null }, spec: { template: { metadata: { creationTimestamp: null } }, strategy: {} }, status: {} });
    kindDefinitions.deployments.setDefaults(d as never);
    expect(kindDefinitions.deployments.validate(d as never)).toEqual([]);
    expect((d.metadata as Record<string, unknown>)['creationTimestamp']).toBeUndefined();
  });
});

describe('OpenAPI generation', () => {
  it.each(names)('the %s schema converts to JSON Schema with descriptions', async (r) => {
    const { z } = await import('zod');
    const json = JSON.stringify(z.toJSONSchema(kindDefinitions[r].schema as never, { unrepresentable: 'any' }));
    expect(json).toContain('"description"');
  });
});
