import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ApiError, definitionFor, minimalObjects, resources, type KubeObject, type ResourceName, type ResourceType } from '@kubesim/shared';
import { serverSideApply, updateManagedFields } from './apply.ts';
import { fieldSetFrom, fieldsV1From, prettyPath, toFieldSet } from './apply-fieldset.ts';

const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:01:00Z';

const manifest = (replicas: number, image = 'nginx', labels: Record<string, string> = { app: 'web' }): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image }] } },
    },
  }) as KubeObject;

const apply = (current: KubeObject | undefined, applied: KubeObject, manager = 'kubectl', force = false, now = T0): KubeObject =>
  serverSideApply({ current, applied, manager, force, now, type: resources.deployments });

const spec = (o: KubeObject): { replicas?: number; template: { spec: { containers: Array<{ name: string; image?: string }> } } } =>
  (o as unknown as { spec: never }).spec;

function caught(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('serverSideApply', () => {
  it('creates the object and records an Apply entry in FieldsV1 form', () => {
    const out = apply(undefined, manifest(3));
    expect(out.metadata.name).toBe('web');
    expect(spec(out).replicas).toBe(3);
    expect(out.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('lets the same manager change its own fields without conflict', () => {
    const out = apply(apply(undefined, manifest(3)), manifest(5, 'nginx:1.27'), 'kubectl', false, T1);
    expect(spec(out).replicas).toBe(5);
    expect(spec(out).template.spec.containers[0]!.image).toBe('nginx:1.27');
    expect(out.metadata.managedFields).toHaveLength(1);
    expect(out.metadata.managedFields![0]!.time).toBe(T1);
  });

  it('answers 409 naming the other manager and field when a change conflicts', () => {
    const created = updateManagedFields(undefined, manifest(3), 'kubectl-client-side-apply', 'Update', T0, resources.deployments);
    const err = caught(() => apply(created, manifest(4)));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    expect(err.status.details?.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' },
    ]);
  });

  it('lists several conflicts the way Kubernetes does', () => {
    const created = updateManagedFields(undefined, manifest(3), 'kubectl-client-side-apply', 'Update', T0, resources.deployments);
    const err = caught(() => apply(created, manifest(4, 'httpd')));
    expect(err.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
  });

  it('shares fields applied with the same value instead of conflicting', () => {
    const created = updateManagedFields(undefined, manifest(3), 'kubectl-client-side-apply', 'Update', T0, resources.deployments);
    const out = apply(created, manifest(3));
    expect(out.metadata.managedFields!.map((m) => m.manager)).toEqual(['kubectl-client-side-apply', 'kubectl']);
  });

  it('takes ownership with force', () => {
    const created = updateManagedFields(undefined, manifest(3), 'kubectl-client-side-apply', 'Update', T0, resources.deployments);
    const out = apply(created, manifest(4), 'kubectl', true);
    expect(spec(out).replicas).toBe(4);
    const csa = fieldSetFrom(out.metadata.managedFields![0]!.fieldsV1);
    expect([...csa].some((p) => prettyPath(p) === '.spec.replicas')).toBe(false);
  });

  it('removes a field dropped from the applied config when no one else owns it', () => {
    const first = apply(undefined, manifest(3, 'nginx', { app: 'web', tier: 'front' }));
    const out = apply(first, manifest(3, 'nginx', { app: 'web' }));
    expect(out.metadata.labels).toEqual({ app: 'web' });
  });

  it('keeps a dropped field that another manager also owns', () => {
    const first = apply(undefined, manifest(3, 'nginx', { app: 'web', tier: 'front' }));
    const shared = apply(first, manifest(3, 'nginx', { app: 'web', tier: 'front' }), 'other');
    const out = apply(shared, manifest(3, 'nginx', { app: 'web' }));
    expect(out.metadata.labels).toEqual({ app: 'web', tier: 'front' });
  });

  it('merges containers by name and keeps containers it does not mention', () => {
    const current = manifest(3);
    spec(current).template.spec.containers.push({ name: 'sidecar', image: 'busybox' });
    const out = apply(current, manifest(3, 'nginx:2'));
    expect(spec(out).template.spec.containers).toEqual([{ name: 'nginx', image: 'nginx:2' }, { name: 'sidecar', image: 'busybox' }]);
  });
});

describe('updateManagedFields', () => {
  it('gives an Update manager the fields it set, with "." for nodes it added', () => {
    const out = updateManagedFields(undefined, manifest(3), 'kubectl-create', 'Update', T0, resources.deployments);
    const entry = out.metadata.managedFields![0]!;
    expect(entry).toMatchObject({ manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: T0 });
    expect((entry.fieldsV1 as Record<string, Record<string, unknown>>)['f:metadata']).toEqual({ 'f:labels': { '.': {}, 'f:app': {} } });
  });

  it('changes nothing, not even the time, when the write changes nothing', () => {
    const created = updateManagedFields(undefined, manifest(3), 'kubectl-create', 'Update', T0, resources.deployments);
    const again = updateManagedFields(created, { ...manifest(3), metadata: { ...manifest(3).metadata, managedFields: created.metadata.managedFields! } }, 'kubectl-edit', 'Update', T1, resources.deployments);
    expect(again.metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  it('moves a changed field to the writer', () => {
    const created = updateManagedFields(undefined, manifest(3), 'kubectl-create', 'Update', T0, resources.deployments);
    const scaled = updateManagedFields(created, { ...manifest(5), metadata: { ...created.metadata } }, 'kubectl-scale', 'Update', T1, resources.deployments);
    const [create, scale] = scaled.metadata.managedFields!;
    expect([...fieldSetFrom(create!.fieldsV1)].map(prettyPath)).not.toContain('.spec.replicas');
    expect(scale).toMatchObject({ manager: 'kubectl-scale', time: T1, fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
  });

  it('records a created object in one walk exactly as a write over an empty object would', () => {
    const names = Object.keys(minimalObjects) as ResourceName[];
    const extra = fc.dictionary(fc.constantFrom('labels', 'data', 'spec', 'ports', 'finalizers', 'containers', 'x'), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
    fc.assert(
      fc.property(fc.constantFrom(...names), extra, fc.boolean(), (name, more, defaulted) => {
        const type = resources[name] as ResourceType;
        const obj = structuredClone(minimalObjects[name]) as KubeObject & Record<string, unknown>;
        if (defaulted) definitionFor(type).setDefaults(obj);
        const spec = (obj['spec'] ??= {}) as Record<string, unknown>;
        Object.assign(spec, more);
        if (name === 'pods' && Array.isArray(spec['containers'])) spec['containers'].push({ name: 'log', resources: { limits: { cpu: '1' } }, ports: [{ containerPort: 80 }] });
        const empty = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name } } as KubeObject;
        const direct = updateManagedFields(undefined, obj, 'm', 'Update', T0, type).metadata.managedFields;
        const walked = updateManagedFields(empty, obj, 'm', 'Update', T0, type).metadata.managedFields;
        // the same entries, with FieldsV1 keys in the same (sorted) order on the wire
        expect(JSON.stringify(direct)).toBe(JSON.stringify(walked));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps managedFields that the request rewrote itself (kubectl migration after client-side apply)', () => {
    const created = updateManagedFields(undefined, manifest(3), 'kubectl-client-side-apply', 'Update', T0, resources.deployments);
    const rewritten = [{ manager: 'kubectl', operation: 'Apply' as const, apiVersion: 'apps/v1', time: T0, fieldsType: 'FieldsV1' as const, fieldsV1: {} }];
    const out = updateManagedFields(created, { ...manifest(3), metadata: { ...manifest(3).metadata, managedFields: rewritten } }, 'kubectl', 'Update', T1, resources.deployments);
    expect(out.metadata.managedFields).toEqual(rewritten);
  });
});

describe('field sets', () => {
  it('round-trip through FieldsV1', () => {
    const set = toFieldSet({ metadata: { finalizers: ['a'] }, spec: { ports: [{ port: 80 }] } }, 'io.k8s.api.core.v1.Service');
    expect(fieldsV1From(set)).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"a"': {} } },
      'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } } },
    });
    expect(fieldSetFrom(fieldsV1From(set))).toEqual(set);
  });
});
