// Stock kubectl against kubesim: managedFields of ordinary writes (so server-side apply sees
// them: the client-side → server-side apply migration, a conflict with `kubectl scale`),
// fieldValidation (Strict errors, Warn warnings, unknown fields pruned), Priority admission
// and the objects every cluster starts with (PriorityClasses, default ServiceAccounts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources, type KubeObject } from '@kubesim/shared';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './kubectl-harness.ts';

const deployment = (name: string, replicas: number, extraSpec = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}${extraSpec}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
`;

type Managers = Array<[string | undefined, string | undefined, string | undefined]>;
const managersOf = (o: KubeObject): Managers => (o.metadata.managedFields ?? []).map((m) => [m.manager, m.operation, m.subresource]);

describe.skipIf(!hasKubectl)('kubectl and managed fields, field validation, admission', () => {
  let h: KubectlHarness;
  const stored = async (name: string): Promise<KubeObject & { spec: Record<string, unknown> }> =>
    (await h.registry.get(resources.deployments, name, { namespace: 'default' })) as KubeObject & { spec: Record<string, unknown> };

  beforeAll(async () => {
    h = await startKubectlHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('records the writer of a create as an Update manager, named by fieldManager', async () => {
    expect((await h.kubectl(['create', 'deployment', 'made', '--image=nginx'])).code).toBe(0);
    const d = await stored('made');
    expect(managersOf(d)).toEqual([['kubectl-create', 'Update', undefined]]);
    expect(d.metadata.managedFields![0]!.fieldsV1).toMatchObject({ 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {} } } } } } });
  });

  it('migrates a client-side-applied object to server-side apply, after a conflict on a changed field', async () => {
    const v1 = h.file('csa.yaml', deployment('csa', 2));
    expect((await h.kubectl(['apply', '-f', v1])).stdout).toBe('deployment.apps/csa created\n');
    expect(managersOf(await stored('csa'))).toEqual([['kubectl-client-side-apply', 'Update', undefined]]);

    const changed = await h.kubectl(['apply', '--server-side', '-f', h.file('csa3.yaml', deployment('csa', 3))]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');

    expect((await h.kubectl(['apply', '--server-side', '-f', v1])).stdout).toBe('deployment.apps/csa serverside-applied\n');
    const d = await stored('csa');
    expect(managersOf(d)).toEqual([
      ['kubectl', 'Apply', undefined],
      ['kubectl-last-applied', 'Apply', undefined],
    ]);
    // now the server-side manager owns the fields and may change them
    expect((await h.kubectl(['apply', '--server-side', '-f', h.file('csa3.yaml', deployment('csa', 3))])).code).toBe(0);
    expect((await stored('csa')).spec['replicas']).toBe(3);
  });

  it('reports a conflict with the manager of `kubectl scale` and leaves a no-op write alone', async () => {
    const path = h.file('ssa.yaml', deployment('scaled', 2));
    expect((await h.kubectl(['apply', '--server-side', '-f', path])).code).toBe(0);
    expect((await h.kubectl(['scale', 'deployment', 'scaled', '--replicas=5'])).stdout).toBe('deployment.apps/scaled scaled\n');
    const d = await stored('scaled');
    expect(managersOf(d)).toEqual([
      ['kubectl', 'Apply', undefined],
      ['kubectl', 'Update', 'scale'],
    ]);
    const conflict = await h.kubectl(['apply', '--server-side', '-f', path]);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');

    const label = ['label', 'deployment', 'scaled', 'tier=web'];
    expect((await h.kubectl(label)).code).toBe(0);
    const labelled = await stored('scaled');
    expect(managersOf(labelled)).toContainEqual(['kubectl-label', 'Update', undefined]);
    const again = await h.kubectl(['patch', 'deployment', 'scaled', '--type', 'merge', '-p', '{"metadata":{"labels":{"tier":"web"}}}']);
    expect(again.stdout).toBe('deployment.apps/scaled patched (no change)\n');
    const after = await stored('scaled');
    expect([after.metadata.resourceVersion, after.metadata.managedFields]).toEqual([labelled.metadata.resourceVersion, labelled.metadata.managedFields]);
  });

  it('refuses unknown fields under Strict as Kubernetes words it, and prunes them under Warn', async () => {
    const bad = h.file('bad.yaml', deployment('bad', 1, '\n  foo: bar'));
    const strict = await h.kubectl(['apply', '-f', bad]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe('Error from server (BadRequest): error when creating "' + bad + '": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"\n');
    expect((await h.kubectl(['create', '-f', bad])).stderr).toContain('strict decoding error: unknown field "spec.foo"');

    const warn = await h.kubectl(['apply', '--validate=warn', '-f', bad]);
    expect(warn.stdout).toBe('deployment.apps/bad created\n');
    expect(warn.stderr).toBe('Warning: unknown field "spec.foo"\n');
    expect((await stored('bad')).spec['foo']).toBeUndefined();

    const ssa = await h.kubectl(['apply', '--server-side', '-f', h.file('bad-ssa.yaml', deployment('bad-ssa', 1, '\n  foo: bar'))]);
    expect(ssa.stderr).toBe('Error from server (BadRequest): failed to create typed patch object (default/bad-ssa; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema\n');
  });

  it('resolves priority classes, the global default, and refuses a missing class', async () => {
    const pod = (name: string, cls?: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:${cls ? `\n  priorityClassName: ${cls}` : ''}
  containers: [{name: c, image: nginx}]
`;
    const missing = await h.kubectl(['apply', '-f', h.file('p1.yaml', pod('p1', 'nope'))]);
    expect(missing.stderr).toBe(`Error from server (Forbidden): error when creating "${h.dir}/p1.yaml": pods "p1" is forbidden: no PriorityClass with name nope was found\n`);

    const classes = await h.kubectl(['get', 'priorityclasses', '-o', 'custom-columns=NAME:.metadata.name,VALUE:.value', '--no-headers']);
    expect(classes.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/))).toEqual([
      ['system-cluster-critical', '2000000000'],
      ['system-node-critical', '2000001000'],
    ]);
    expect((await h.kubectl(['create', 'priorityclass', 'batch', '--value=100', '--global-default', '--preemption-policy=Never'])).code).toBe(0);
    const second = await h.kubectl(['create', 'priorityclass', 'other', '--value=5', '--global-default']);
    expect(second.stderr).toContain('priorityclasses.scheduling.k8s.io "other" is forbidden: PriorityClass batch is already marked as default. Only one default can exist');

    expect((await h.kubectl(['apply', '-f', h.file('p2.yaml', pod('p2'))])).code).toBe(0);
    expect((await h.kubectl(['apply', '-f', h.file('p3.yaml', pod('p3', 'system-node-critical'))])).code).toBe(0);
    const cols = await h.kubectl(['get', 'pods', 'p2', 'p3', '--no-headers', '-o', 'custom-columns=N:.metadata.name,C:.spec.priorityClassName,P:.spec.priority,E:.spec.preemptionPolicy,SA:.spec.serviceAccountName']);
    expect(cols.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/))).toEqual([
      ['p2', 'batch', '100', 'Never', 'default'],
      ['p3', 'system-node-critical', '2000001000', 'PreemptLowerPriority', 'default'],
    ]);
  });

  it('gives every namespace its default ServiceAccount', async () => {
    expect((await h.kubectl(['create', 'namespace', 'team-b'])).code).toBe(0);
    const out = await h.kubectl(['get', 'serviceaccounts', '-A', '--no-headers', '-o', 'custom-columns=NS:.metadata.namespace,NAME:.metadata.name']);
    expect(out.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/))).toEqual(
      ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'team-b'].map((ns) => [ns, 'default']),
    );
  });
});
