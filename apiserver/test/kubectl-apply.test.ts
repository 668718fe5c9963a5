// Stock kubectl against kubesim: client-side and server-side apply, explain, and patches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources, type KubeObject } from '@kubesim/shared';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './kubectl-harness.ts';

const manifest = ({ replicas = 2, image = 'nginx:1.27', env = '[{name: A, value: "1"}, {name: B, value: "2"}]', labels = '{app: app, tier: web}' } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: ${labels}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports: [{containerPort: 80}]
        env: ${env}
`;

type Deployment = KubeObject & { spec: { replicas: number; template: { spec: { containers: Array<{ image: string; env?: Array<{ name: string }> }> } } } };

describe.skipIf(!hasKubectl)('kubectl apply, explain and patch', () => {
  let h: KubectlHarness;
  const stored = async (name = 'app'): Promise<Deployment> => (await h.registry.get(resources.deployments, name, { namespace: 'default' })) as Deployment;

  beforeAll(async () => {
    h = await startKubectlHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('client-side apply creates, leaves alone, updates and prunes a removed field', async () => {
    const first = h.file('app.yaml', manifest());
    expect((await h.kubectl(['apply', '-f', first])).stdout).toBe('deployment.apps/app created\n');
    expect((await h.kubectl(['apply', '-f', first])).stdout).toBe('deployment.apps/app unchanged\n');
    const second = h.file('app2.yaml', manifest({ replicas: 4, image: 'nginx:1.28', env: '[{name: A, value: "1"}]', labels: '{app: app}' }));
    expect((await h.kubectl(['apply', '-f', second])).stdout).toBe('deployment.apps/app configured\n');
    const d = await stored();
    expect(d.spec.replicas).toBe(4);
    expect(d.spec.template.spec.containers[0]!.image).toBe('nginx:1.28');
    expect(d.spec.template.spec.containers[0]!.env?.map((e) => e.name)).toEqual(['A']);
    expect(d.metadata.labels).toEqual({ app: 'app' });
  });

  it('server-side apply reports a conflict with another manager, and --force-conflicts takes the field', async () => {
    const path = h.file('ssa.yaml', manifest({ replicas: 3 }).replace('name: app\n', 'name: ssa\n').replaceAll('app: app', 'app: ssa'));
    expect((await h.kubectl(['apply', '--server-side', '-f', path])).stdout).toBe('deployment.apps/ssa serverside-applied\n');
    const other = h.file('ssa-other.yaml', manifest({ replicas: 5 }).replace('name: app\n', 'name: ssa\n').replaceAll('app: app', 'app: ssa'));
    const conflict = await h.kubectl(['apply', '--server-side', '--field-manager=other', '-f', other]);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas');
    expect((await h.kubectl(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', other])).code).toBe(0);
    const d = await stored('ssa');
    expect(d.spec.replicas).toBe(5);
    expect(d.metadata.managedFields?.map((m) => [m.manager, m.operation])).toEqual([
      ['kubectl', 'Apply'],
      ['other', 'Apply'],
    ]);
  });

  it('creates, applies and replaces a kind: List file, as `kubectl get -o yaml` writes one', async () => {
    const item = (name: string, value: string): string => `- {apiVersion: v1, kind: ConfigMap, metadata: {name: ${name}}, data: {k: "${value}"}}`;
    const list = (value: string): string => ['apiVersion: v1', 'kind: List', 'items:', item('listed-a', value), item('listed-b', value), ''].join('\n');
    const data = async (name: string): Promise<unknown> => ((await h.registry.get(resources.configmaps, name, { namespace: 'default' })) as unknown as { data: unknown }).data;
    expect(await h.ok(['create', '--save-config', '-f', h.file('list.yaml', list('1'))])).toBe('configmap/listed-a created\nconfigmap/listed-b created\n');
    expect(await h.ok(['apply', '-f', h.file('list.yaml', list('2'))])).toBe('configmap/listed-a configured\nconfigmap/listed-b configured\n');
    expect(await h.ok(['replace', '-f', h.file('list.yaml', list('3'))])).toBe('configmap/listed-a replaced\nconfigmap/listed-b replaced\n');
    expect([await data('listed-a'), await data('listed-b')]).toEqual([{ k: '3' }, { k: '3' }]);
  });

  it('explains a field from the OpenAPI v3 document', async () => {
    const out = await h.kubectl(['explain', 'deployment.spec.strategy']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('KIND:       Deployment');
    expect(out.stdout).toContain('FIELD: strategy <DeploymentStrategy>');
    expect(out.stdout).toMatch(/rollingUpdate\s+<RollingUpdateDeployment>/);
  });

  it('explains a kind without marking its metadata or spec required', async () => {
    const out = await h.ok(['explain', 'deployment']);
    expect(out).toMatch(/DESCRIPTION:\n\s+Deployment keeps a number of identical pods running/);
    expect(out).toMatch(/metadata\t<ObjectMeta>\n/);
    expect(out).toMatch(/spec\t<DeploymentSpec>\n/);
    expect(out).not.toContain('-required-');
  });

  it('patches with strategic merge (merging env by name), merge and json patches', async () => {
    const strategic = await h.kubectl(['patch', 'deployment', 'app', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"C","value":"3"}]}]}}}}']);
    expect(strategic.stdout).toBe('deployment.apps/app patched\n');
    // a new element goes before the live ones when the patch names no order (Kubernetes' normalizeElementOrder)
    expect((await stored()).spec.template.spec.containers[0]!.env?.map((e) => e.name)).toEqual(['C', 'A']);
    const again = await h.kubectl(['patch', 'deployment', 'app', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"C","value":"3"}]}]}}}}']);
    expect(again.stdout).toBe('deployment.apps/app patched (no change)\n');
    await h.kubectl(['patch', 'deployment', 'app', '--type', 'merge', '-p', '{"metadata":{"labels":{"m":"1"}}}']);
    await h.kubectl(['patch', 'deployment', 'app', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":1}]']);
    const d = await stored();
    expect(d.metadata.labels?.['m']).toBe('1');
    expect(d.spec.replicas).toBe(1);
  });

  it('sets an image and scales through the scale subresource', async () => {
    expect((await h.kubectl(['set', 'image', 'deployment/app', 'nginx=nginx:1.29'])).stdout).toBe('deployment.apps/app image updated\n');
    expect((await h.kubectl(['scale', 'deployment', 'app', '--replicas=6'])).stdout).toBe('deployment.apps/app scaled\n');
    expect((await h.kubectl(['scale', 'deployment', 'app', '--current-replicas=6', '--replicas=2'])).stdout).toBe('deployment.apps/app scaled\n');
    const wrong = await h.kubectl(['scale', 'deployment', 'app', '--current-replicas=6', '--replicas=3']);
    expect(wrong.stderr).toContain('Expected replicas to be 6, was 2');
    const d = await stored();
    expect([d.spec.replicas, d.spec.template.spec.containers[0]!.image]).toEqual([2, 'nginx:1.29']);
  });
});
