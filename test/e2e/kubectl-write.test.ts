// Stock kubectl writing to a whole `kubesim up` cluster: every `create <generator>` (with
// `--dry-run=server` first, which must store nothing), `create -f`, client-side `apply`,
// `apply --server-side` with a conflict, the three patch types, `replace`, `scale`,
// `label`, `annotate`, `set image`, `edit` through KUBE_EDITOR, and `delete` with each
// cascade, checked against the garbage collector's result. Each case asserts on kubectl's
// output and on the stored object (`kubectl get -o json`). One cluster for the whole file.

import { describe, expect, it } from 'vitest';
import { haveKubectl } from './cluster.ts';
import { useKubectlCluster } from './kubectl-session.ts';

type Obj = {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string }>; finalizers?: string[]; deletionTimestamp?: string; generation?: number; resourceVersion?: string; managedFields?: Array<{ manager: string; operation: string; fieldsV1?: Record<string, unknown> }> };
  spec?: any;
  status?: any;
  data?: Record<string, string>;
  type?: string;
  value?: number;
  description?: string;
};

const deployment = (name: string, replicas: number, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}}${extra}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
`;

describe.skipIf(!haveKubectl)('kubectl writes against kubesim up', () => {
  const k = useKubectlCluster();
  const { run, ok, file } = k;
  const get = (ref: string): Promise<Obj> => k.get<Obj>(ref, '--show-managed-fields');
  const list = (ref: string): Promise<Obj[]> => k.list<Obj>(ref);
  const absent = async (ref: string): Promise<void> => {
    const r = await run(`kubectl get ${ref}`);
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stderr).toContain('(NotFound)');
  };

  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const generators: Array<[string, string, string, (o: Obj) => void]> = [
    ['deployment gen-deploy --image=nginx:1.27 --replicas=2 --port=80', 'deployment.apps/gen-deploy', 'deployment gen-deploy', (o) => {
      expect(o.spec.replicas).toBe(2);
      expect(o.spec.selector).toEqual({ matchLabels: { app: 'gen-deploy' } });
      expect(o.spec.template.spec.containers).toMatchObject([{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] }]);
    }],
    ['namespace gen-ns', 'namespace/gen-ns', 'namespace gen-ns', (o) => expect(o.status.phase).toBe('Active')],
    ['configmap gen-cm --from-literal=a=1 --from-literal=b=two', 'configmap/gen-cm', 'configmap gen-cm', (o) => expect(o.data).toEqual({ a: '1', b: 'two' })],
    ['secret generic gen-secret --from-literal=user=admin --type=Opaque', 'secret/gen-secret', 'secret gen-secret', (o) => {
      expect(o.type).toBe('Opaque');
      expect(o.data).toEqual({ user: b64('admin') });
    }],
    ['service clusterip gen-svc --tcp=80:8080', 'service/gen-svc', 'service gen-svc', (o) => {
      expect(o.spec.type).toBe('ClusterIP');
      expect(o.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
      expect(o.spec.ports).toEqual([{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }]);
      expect(o.spec.selector).toEqual({ app: 'gen-svc' });
    }],
    // The dry run must not keep the NodePort it allocated: the real create asks for the same one.
    ['service nodeport gen-np --tcp=80:8080 --node-port=30080', 'service/gen-np', 'service gen-np', (o) => {
      expect(o.spec.type).toBe('NodePort');
      expect(o.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080, nodePort: 30080 });
    }],
    ['serviceaccount gen-sa', 'serviceaccount/gen-sa', 'serviceaccount gen-sa', (o) => expect(o.metadata.name).toBe('gen-sa')],
    ['job gen-job --image=busybox DRY -- sh -c "sleep 1; exit 0"', 'job.batch/gen-job', 'job gen-job', (o) => {
      expect(o.spec.template.spec.containers[0].command).toEqual(['sh', '-c', 'sleep 1; exit 0']);
      expect(o.spec.template.spec.restartPolicy).toBe('Never');
      expect(o.spec.completions).toBe(1);
    }],
    ['cronjob gen-cron --image=busybox "--schedule=*/5 * * * *" DRY -- date', 'cronjob.batch/gen-cron', 'cronjob gen-cron', (o) => {
      expect(o.spec.schedule).toBe('*/5 * * * *');
      expect(o.spec.jobTemplate.spec.template.spec.containers[0].command).toEqual(['date']);
    }],
    ['poddisruptionbudget gen-pdb --selector=app=gen-deploy --min-available=1', 'poddisruptionbudget.policy/gen-pdb', 'pdb gen-pdb', (o) => {
      expect(o.spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: 'gen-deploy' } } });
    }],
    ['priorityclass gen-pc --value=500 --description="batch work"', 'priorityclass.scheduling.k8s.io/gen-pc', 'priorityclass gen-pc', (o) => {
      expect([o.value, o.description]).toEqual([500, 'batch work']);
    }],
  ];

  it.each(generators)('create %s: a server dry run stores nothing, then the create stores it', async (args, printed, ref, check) => {
    const withFlag = (flag: string) => (args.includes(' DRY') ? args.replace(' DRY', flag ? ` ${flag}` : '') : `${args}${flag ? ` ${flag}` : ''}`);
    const dry = await run(`kubectl create ${withFlag('--dry-run=server')}`);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toBe(`${printed} created (server dry run)\n`);
    await absent(ref);
    const real = await run(`kubectl create ${withFlag('')}`);
    expect(real.stderr).toBe('');
    expect(real.stdout).toBe(`${printed} created\n`);
    check(await get(ref));
    // a second create fails (a Service's fixed NodePort is refused before the name is)
    const again = await run(`kubectl create ${withFlag('')}`);
    expect(again.stderr).toMatch(/already (exists|allocated)/);
  });

  it('create -f creates every document of a file (validated against the OpenAPI document) and refuses duplicates', async () => {
    const f = file(
      'bundle.yaml',
      `apiVersion: v1
kind: ConfigMap
metadata: {name: bundle-cfg}
data: {mode: fast}
---
apiVersion: v1
kind: Service
metadata: {name: bundle-svc}
spec:
  selector: {app: bundle}
  ports: [{port: 8080, name: http}]
---
${deployment('bundle', 1)}`,
    );
    expect(await ok(`kubectl create -f ${f}`)).toBe('configmap/bundle-cfg created\nservice/bundle-svc created\ndeployment.apps/bundle created\n');
    expect((await get('configmap bundle-cfg')).data).toEqual({ mode: 'fast' });
    expect((await get('service bundle-svc')).spec.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 }]);
    expect((await get('configmap bundle-cfg')).metadata.managedFields?.map((m) => [m.manager, m.operation])).toEqual([['kubectl-create', 'Update']]);
    expect((await get('deployment bundle')).spec.replicas).toBe(1);
    const dup = await run(`kubectl create -f ${f}`);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain(`Error from server (AlreadyExists): error when creating "${f}": configmaps "bundle-cfg" already exists`);
    // an unknown field is an error under kubectl's default --validate=strict
    const bad = await run(`kubectl create -f ${file('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\ndata: {a: "1"}\nbogus: 1\n')}`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown field "bogus"');
    await absent('configmap bad');
  });

  it('apply -f creates, leaves an unchanged object alone, updates, and prunes removed map keys and list items', async () => {
    const v1 = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-cfg
  labels: {team: a, tier: web}
data: {a: "1", b: "2"}
---
apiVersion: v1
kind: Service
metadata: {name: app-svc}
spec:
  selector: {app: app}
  ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: metrics, port: 9090}
`;
    expect(await ok(`kubectl apply -f ${file('apply1.yaml', v1)}`)).toBe('configmap/app-cfg created\nservice/app-svc created\n');
    const rv = (await get('configmap app-cfg')).metadata.resourceVersion;
    expect(await ok('kubectl apply -f apply1.yaml')).toBe('configmap/app-cfg unchanged\nservice/app-svc unchanged\n');
    expect((await get('configmap app-cfg')).metadata.resourceVersion).toBe(rv);

    // another writer's change survives an apply that does not mention it
    await ok(`kubectl label configmap app-cfg owner=ops`);
    const v2 = v1.replace('tier: web', 'tier: api').replace(', b: "2"', ', c: "3"').replace('  - {name: metrics, port: 9090}\n', '');
    expect(await ok(`kubectl apply -f ${file('apply2.yaml', v2)}`)).toBe('configmap/app-cfg configured\nservice/app-svc configured\n');
    const cm = await get('configmap app-cfg');
    expect(cm.data).toEqual({ a: '1', c: '3' });
    expect(cm.metadata.labels).toEqual({ team: 'a', tier: 'api', owner: 'ops' });
    expect(JSON.parse(cm.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']!).data).toEqual({ a: '1', c: '3' });
    const svc = await get('service app-svc');
    expect(svc.spec.ports.map((p: { name: string }) => p.name)).toEqual(['http']);
  });

  it('apply --server-side reports a conflict with another manager, and --force-conflicts moves the field', async () => {
    const cfg = (color: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa-cfg}\ndata: {color: ${color}${extra}}\n`;
    expect(await ok(`kubectl apply --server-side -f ${file('ssa1.yaml', cfg('blue', ', size: big'))}`)).toBe('configmap/ssa-cfg serverside-applied\n');
    const conflict = await run(`kubectl apply --server-side --field-manager=painter -f ${file('ssa2.yaml', cfg('red'))}`);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/Apply failed with 1 conflict: conflict with "kubectl"[^:]*: \.data\.color/);
    expect((await get('configmap ssa-cfg')).data).toEqual({ color: 'blue', size: 'big' });

    expect(await ok('kubectl apply --server-side --field-manager=painter --force-conflicts -f ssa2.yaml')).toBe('configmap/ssa-cfg serverside-applied\n');
    const cm = await get('configmap ssa-cfg');
    expect(cm.data).toEqual({ color: 'red', size: 'big' });
    const owners = Object.fromEntries((cm.metadata.managedFields ?? []).map((m) => [m.manager, [m.operation, Object.keys((m.fieldsV1?.['f:data'] ?? {}) as object).sort()]]));
    expect(owners).toEqual({ kubectl: ['Apply', ['f:size']], painter: ['Apply', ['f:color']] });
  });

  it('patches with strategic merge (a container added by name, then removed by $patch: delete), merge and json patches', async () => {
    await ok(`kubectl apply -f ${file('patchme.yaml', deployment('patchme', 1))}`);
    const sidecar = `{"spec":{"template":{"spec":{"containers":[{"name":"log","image":"busybox","command":["sh","-c","sleep infinity"]}]}}}}`;
    expect(await ok(`kubectl patch deployment patchme -p '${sidecar}'`)).toBe('deployment.apps/patchme patched\n');
    let d = await get('deployment patchme');
    expect(d.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual(['log=busybox', 'nginx=nginx:1.27']);
    expect(d.metadata.generation).toBe(2);
    expect(await ok(`kubectl patch deployment patchme -p '${sidecar}'`)).toBe('deployment.apps/patchme patched (no change)\n');
    await ok(`kubectl patch deployment patchme -p '{"spec":{"template":{"spec":{"containers":[{"name":"log","$patch":"delete"}]}}}}'`);
    d = await get('deployment patchme');
    expect(d.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['nginx']);

    expect(await ok(`kubectl patch deployment patchme --type merge -p '{"metadata":{"labels":{"app":null,"stage":"test"}},"spec":{"minReadySeconds":3}}'`)).toBe('deployment.apps/patchme patched\n');
    d = await get('deployment patchme');
    expect(d.metadata.labels).toEqual({ stage: 'test' });
    expect(d.spec.minReadySeconds).toBe(3);

    const json = `[{"op":"test","path":"/spec/replicas","value":1},{"op":"replace","path":"/spec/replicas","value":2},{"op":"add","path":"/metadata/annotations","value":{"patched":"json"}}]`;
    expect(await ok(`kubectl patch deployment patchme --type json -p '${json}'`)).toBe('deployment.apps/patchme patched\n');
    d = await get('deployment patchme');
    expect([d.spec.replicas, d.metadata.annotations?.['patched']]).toEqual([2, 'json']);
    const failed = await run(`kubectl patch deployment patchme --type json -p '[{"op":"test","path":"/spec/replicas","value":7}]'`);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('testing value /spec/replicas failed');
    expect((await get('deployment patchme')).spec.replicas).toBe(2);
  });

  it('replaces an object, refuses a stale resourceVersion, and replaces by delete-and-create with --force', async () => {
    const cm = await get('configmap gen-cm');
    const edited = { ...cm, data: { a: '10' } };
    file('replace.json', JSON.stringify(edited));
    expect(await ok('kubectl replace -f replace.json')).toBe('configmap/gen-cm replaced\n');
    const after = await get('configmap gen-cm');
    expect(after.data).toEqual({ a: '10' });
    expect(after.metadata.uid).toBe(cm.metadata.uid);

    const stale = await run('kubectl replace -f replace.json');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('Error from server (Conflict): error when replacing "replace.json": Operation cannot be fulfilled on configmaps "gen-cm": the object has been modified; please apply your changes to the latest version and try again');

    const forced = await ok('kubectl replace --force -f replace.json');
    expect(forced).toBe('configmap "gen-cm" deleted\nconfigmap/gen-cm replaced\n');
    const recreated = await get('configmap gen-cm');
    expect(recreated.data).toEqual({ a: '10' });
    expect(recreated.metadata.uid).not.toBe(cm.metadata.uid);
  });

  it('scales a deployment and a statefulset through the scale subresource, honouring --current-replicas', async () => {
    await ok(`kubectl apply -f ${file('sts.yaml', deployment('scaled-sts', 1).replace('kind: Deployment', 'kind: StatefulSet').replace('spec:\n  replicas', 'spec:\n  serviceName: scaled-sts\n  replicas'))}`);
    expect(await ok('kubectl scale statefulset scaled-sts --replicas=3')).toBe('statefulset.apps/scaled-sts scaled\n');
    expect((await get('statefulset scaled-sts')).spec.replicas).toBe(3);
    const wrong = await run('kubectl scale statefulset scaled-sts --current-replicas=2 --replicas=1');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Expected replicas to be 2, was 3');
    expect(await ok('kubectl scale deployment gen-deploy --current-replicas=2 --replicas=3')).toBe('deployment.apps/gen-deploy scaled\n');
    expect((await get('deployment gen-deploy')).spec.replicas).toBe(3);
    await k.cluster.eventually('kubectl get statefulset scaled-sts -o jsonpath={.status.readyReplicas}', (r) => r.stdout === '3', 60_000);
    expect((await list('pods -l app=scaled-sts')).map((p) => p.metadata.name).sort()).toEqual(['scaled-sts-0', 'scaled-sts-1', 'scaled-sts-2']);
  });

  it('labels and annotates: add, refuse without --overwrite, overwrite, remove, and by selector', async () => {
    expect(await ok('kubectl label configmap app-cfg env=dev')).toBe('configmap/app-cfg labeled\n');
    const clash = await run('kubectl label configmap app-cfg env=prod');
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain("'env' already has a value (dev), and --overwrite is false");
    expect(await ok('kubectl label configmap app-cfg env=prod --overwrite')).toBe('configmap/app-cfg labeled\n');
    expect(await ok('kubectl label configmap app-cfg owner-')).toBe('configmap/app-cfg unlabeled\n');
    expect((await get('configmap app-cfg')).metadata.labels).toEqual({ team: 'a', tier: 'api', env: 'prod' });

    expect(await ok('kubectl label configmaps -l team=a reviewed=yes')).toBe('configmap/app-cfg labeled\n');
    expect((await get('configmap app-cfg')).metadata.labels?.['reviewed']).toBe('yes');

    expect(await ok("kubectl annotate configmap app-cfg note='hello world'")).toBe('configmap/app-cfg annotated\n');
    expect(await ok('kubectl annotate configmap app-cfg note=bye --overwrite')).toBe('configmap/app-cfg annotated\n');
    let annotations = (await get('configmap app-cfg')).metadata.annotations ?? {};
    expect(annotations['note']).toBe('bye');
    expect(await ok('kubectl annotate configmap app-cfg note-')).toBe('configmap/app-cfg annotated\n');
    annotations = (await get('configmap app-cfg')).metadata.annotations ?? {};
    expect(Object.keys(annotations)).toEqual(['kubectl.kubernetes.io/last-applied-configuration']);
  });

  it('sets an image, and the deployment controller rolls out a ReplicaSet with it', async () => {
    expect(await ok('kubectl set image deployment/gen-deploy nginx=nginx:1.28')).toBe('deployment.apps/gen-deploy image updated\n');
    const d = await get('deployment gen-deploy');
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.28');
    const missing = await run('kubectl set image deployment/gen-deploy nope=nginx:1.28');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('unable to find container named "nope"');
    await k.cluster.eventually('kubectl rollout status deployment/gen-deploy --timeout=5s', (r) => r.code === 0, 60_000);
    const sets = await list('replicasets -l app=gen-deploy');
    const current = sets.find((rs) => rs.spec.replicas === 3)!;
    expect(current.spec.template.spec.containers[0].image).toBe('nginx:1.28');
    expect(current.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('edits through KUBE_EDITOR, and cancels an edit that changes nothing', async () => {
    file('editor.sh', "#!/bin/sh\nsed -i -e 's/^  replicas: 2$/  replicas: 1/' -e 's/^    app: edit-me$/    app: edit-me\\n    edited: \"yes\"/' \"$1\"\n");
    await ok('chmod +x editor.sh');
    await ok(`kubectl apply -f ${file('edit.yaml', deployment('edit-me', 2))}`);
    const out = await run('KUBE_EDITOR=./editor.sh kubectl edit deployment edit-me');
    expect(out.stdout).toBe('deployment.apps/edit-me edited\n');
    const d = await get('deployment edit-me');
    expect(d.spec.replicas).toBe(1);
    expect(d.metadata.labels).toEqual({ app: 'edit-me', edited: 'yes' });
    const nothing = await run('KUBE_EDITOR=true kubectl edit deployment edit-me');
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toBe('Edit cancelled, no changes made.\n');
    const after = await get('deployment edit-me');
    expect([after.metadata.generation, after.spec.replicas]).toEqual([d.metadata.generation, 1]);
    expect(after.metadata.managedFields?.filter((m) => m.manager === 'kubectl-edit')).toHaveLength(1);
  });

  it('deletes: plainly, by label, and in the background, where the garbage collector removes the dependents', async () => {
    expect(await ok('kubectl delete configmap bundle-cfg')).toBe('configmap "bundle-cfg" deleted\n');
    await absent('configmap bundle-cfg');
    await ok(`kubectl apply -f ${file('bg.yaml', deployment('bg', 2))}`);
    await ok('kubectl wait --for=condition=Available deployment/bg --timeout=60s', 70_000);
    expect(await ok('kubectl delete deployment -l app=bg')).toBe('deployment.apps "bg" deleted\n');
    await absent('deployment bg');
    await k.cluster.eventually('kubectl get replicasets,pods -l app=bg -o name', (r) => r.code === 0 && r.stdout.trim() === '', 60_000);
  });

  it('deletes with --cascade=orphan: the ReplicaSet and its pods stay, released by their owner', async () => {
    await ok(`kubectl apply -f ${file('orphan.yaml', deployment('orphan', 2))}`);
    await ok('kubectl wait --for=condition=Available deployment/orphan --timeout=60s', 70_000);
    const [rs] = await list('replicasets -l app=orphan');
    expect(rs!.metadata.ownerReferences?.[0]?.kind).toBe('Deployment');
    expect(await ok('kubectl delete deployment orphan --cascade=orphan')).toBe('deployment.apps "orphan" deleted\n');
    await absent('deployment orphan');
    await k.cluster.eventually(`kubectl get replicaset ${rs!.metadata.name} -o jsonpath={.metadata.ownerReferences}`, (r) => r.code === 0 && r.stdout === '', 30_000);
    // a while later the GC still has not removed them, and the pods still belong to the RS
    await new Promise((r) => setTimeout(r, 2000));
    const after = await get(`replicaset ${rs!.metadata.name}`);
    expect(after.metadata.uid).toBe(rs!.metadata.uid);
    const pods = await list('pods -l app=orphan');
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.ownerReferences).toMatchObject([{ kind: 'ReplicaSet', name: rs!.metadata.name }]);
      expect(p.metadata.deletionTimestamp).toBeUndefined();
    }
  });

  it('deletes with --cascade=foreground: the owner waits, with its finalizer, until the GC has removed its pods', async () => {
    // pods that take 3 s to stop, so the foreground deletion is visible while it runs
    await ok(`kubectl apply -f ${file('fg.yaml', deployment('fg', 2, '\n      annotations: {kubesim.io/stop-delay: 3s}'))}`);
    await ok('kubectl wait --for=condition=Available deployment/fg --timeout=60s', 70_000);
    expect(await ok('kubectl delete deployment fg --cascade=foreground --wait=false')).toBe('deployment.apps "fg" deleted\n');
    const d = await get('deployment fg');
    expect(d.metadata.deletionTimestamp).toBeDefined();
    expect(d.metadata.finalizers).toEqual(['foregroundDeletion']);
    const waited = await ok('kubectl wait --for=delete deployment/fg --timeout=60s', 70_000);
    expect(waited).toBe('deployment.apps/fg condition met\n');
    // the owner goes last: nothing it owned is left
    expect((await ok('kubectl get replicasets,pods -l app=fg -o name')).trim()).toBe('');
  });
});
