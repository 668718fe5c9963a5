// Stock kubectl driving workloads on a whole `kubesim up` cluster, where the controllers,
// the scheduler and kubelet-sim answer: `rollout status|history|undo` for a Deployment, a
// DaemonSet and a StatefulSet; `wait` (condition=Available, condition=complete of a Job,
// delete, a timeout); `logs` (-c, --tail, -f, --previous of a crashing container made with
// kubelet-sim's annotations); `cordon`/`uncordon`; `drain` held back by a
// PodDisruptionBudget until the budget allows it; `get --raw` of services/proxy and pods/proxy,
// and `kubectl proxy`. Each case asserts on kubectl's output and
// on the stored objects. One cluster for the whole file.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { haveKubectl } from './cluster.ts';
import { useKubectlCluster } from './kubectl-session.ts';

type Obj = {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; generation?: number };
  spec?: any;
  status?: any;
};

const NODES = ['kubesim-node-0', 'kubesim-node-1', 'kubesim-node-2'];

describe.skipIf(!haveKubectl)('kubectl drives workloads on kubesim up', () => {
  const k = useKubectlCluster();
  const { run, ok } = k;
  const get = (ref: string): Promise<Obj> => k.get<Obj>(ref);
  const list = (ref: string): Promise<Obj[]> => k.list<Obj>(ref);
  const apply = (name: string, yaml: string): Promise<string> => ok(`kubectl apply -f ${k.file(name, yaml)}`);
  const imageOf = (o: Obj): string => o.spec.template.spec.containers[0].image;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('waits for a Deployment to be Available, rolls it out, records change-causes, and undoes', async () => {
    await ok('kubectl create deployment web --image=nginx:1.27 --replicas=3');
    expect(await ok('kubectl wait --for=condition=Available deployment/web --timeout=60s', 70_000)).toBe('deployment.apps/web condition met\n');
    expect((await get('deployment web')).status).toMatchObject({ availableReplicas: 3, readyReplicas: 3, updatedReplicas: 3 });

    await ok('kubectl set image deployment/web nginx=nginx:1.28');
    await ok("kubectl annotate deployment web kubernetes.io/change-cause='to 1.28'");
    const status = await ok('kubectl rollout status deployment/web --timeout=60s', 70_000);
    expect(status).toMatch(/deployment "web" successfully rolled out\n$/);
    const history = await ok('kubectl rollout history deployment/web');
    expect(history.split('\n').map((l) => l.trim().split(/\s{2,}/))).toEqual([['deployment.apps/web'], ['REVISION', 'CHANGE-CAUSE'], ['1', '<none>'], ['2', 'to 1.28'], [''], ['']]);
    expect(await ok('kubectl rollout history deployment/web --revision=1')).toMatch(/Image:\s+nginx:1\.27/);

    expect(await ok('kubectl rollout undo deployment/web')).toBe('deployment.apps/web rolled back\n');
    await ok('kubectl rollout status deployment/web --timeout=60s', 70_000);
    const d = await get('deployment web');
    expect(imageOf(d)).toBe('nginx:1.27');
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    const sets = await list('replicasets -l app=web');
    expect(sets.map((rs) => [imageOf(rs), rs.spec.replicas, rs.metadata.annotations?.['deployment.kubernetes.io/revision']]).sort()).toEqual([
      ['nginx:1.27', 3, '3'],
      ['nginx:1.28', 0, '2'],
    ]);
    await k.cluster.eventually('kubectl get pods -l app=web -o jsonpath={.items[*].spec.containers[0].image}', (r) => r.stdout === 'nginx:1.27 nginx:1.27 nginx:1.27', 60_000);
  });

  it('rolls out, lists and undoes a DaemonSet revision', async () => {
    await apply(
      'ds.yaml',
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "busybox:1.36", command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 5; done"]}]
`,
    );
    expect(await ok('kubectl rollout status daemonset/agent --timeout=60s', 70_000)).toMatch(/daemon set "agent" successfully rolled out\n$/);
    expect((await list('pods -l app=agent')).map((p) => p.spec.nodeName).sort()).toEqual(NODES);
    await ok('kubectl set image daemonset/agent agent=busybox:1.37');
    await ok('kubectl rollout status daemonset/agent --timeout=60s', 70_000);
    const history = await ok('kubectl rollout history daemonset/agent');
    expect(history).toMatch(/^daemonset\.apps\/agent \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    expect((await list('controllerrevisions -l app=agent')).length).toBe(2);
    expect(await ok('kubectl rollout undo daemonset/agent')).toBe('daemonset.apps/agent rolled back\n');
    await ok('kubectl rollout status daemonset/agent --timeout=60s', 70_000);
    expect(imageOf(await get('daemonset agent'))).toBe('busybox:1.36');
    await k.cluster.eventually('kubectl get pods -l app=agent -o jsonpath={.items[*].spec.containers[0].image}', (r) => r.stdout === 'busybox:1.36 busybox:1.36 busybox:1.36', 60_000);
  });

  it('rolls out, lists and undoes a StatefulSet revision, pod by pod', async () => {
    await apply(
      'sts.yaml',
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "postgres:16"}]
`,
    );
    expect(await ok('kubectl rollout status statefulset/db --timeout=60s', 70_000)).toMatch(/partitioned roll out complete: 2 new pods have been updated...\n$/);
    await ok('kubectl set image statefulset/db db=postgres:17');
    await ok('kubectl rollout status statefulset/db --timeout=60s', 70_000);
    let sts = await get('statefulset db');
    expect(sts.status).toMatchObject({ replicas: 2, readyReplicas: 2, updatedReplicas: 2 });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    expect(await ok('kubectl rollout history statefulset/db')).toMatch(/^statefulset\.apps\/db \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    expect(await ok('kubectl rollout undo statefulset/db')).toBe('statefulset.apps/db rolled back\n');
    await ok('kubectl rollout status statefulset/db --timeout=60s', 70_000);
    sts = await get('statefulset db');
    expect(imageOf(sts)).toBe('postgres:16');
    await k.cluster.eventually('kubectl get pods db-0 db-1 -o jsonpath={.items[*].spec.containers[0].image}', (r) => r.stdout === 'postgres:16 postgres:16', 60_000);
    expect(await ok('kubectl rollout history statefulset/db')).toMatch(/\n2\s+<none>\n3\s+<none>\n/);
  });

  it('waits for a Job to complete, for a pod to be deleted, and times out on a condition that never comes', async () => {
    await ok(`kubectl create job done --image=busybox -- sh -c "sleep 1; exit 0"`);
    expect(await ok('kubectl wait --for=condition=complete job/done --timeout=60s', 70_000)).toBe('job.batch/done condition met\n');
    const job = await get('job done');
    expect(job.status.succeeded).toBe(1);
    expect(job.status.conditions.find((c: { type: string }) => c.type === 'Complete')).toMatchObject({ status: 'True' });
    const [pod] = await list('pods -l job-name=done');
    expect(pod!.status.phase).toBe('Succeeded');
    expect(await ok('kubectl get pods -l job-name=done --no-headers')).toMatch(/^done-\S+\s+0\/1\s+Completed\s+0\s/);

    await apply('slow.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\n  annotations: {kubesim.io/stop-delay: 2s}\nspec:\n  containers: [{name: c, image: nginx}]\n');
    await ok('kubectl wait --for=condition=Ready pod/slow --timeout=60s', 70_000);
    await ok('kubectl delete pod slow --wait=false');
    expect((await get('pod slow')).metadata).toHaveProperty('deletionTimestamp');
    expect(await ok('kubectl wait --for=delete pod/slow --timeout=60s', 70_000)).toBe('pod/slow condition met\n');
    expect((await run('kubectl get pod slow')).stderr).toContain('(NotFound)');

    const timedOut = await run('kubectl wait --for=condition=Failed job/done --timeout=2s');
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toContain('timed out waiting for the condition on jobs/done');
  });

  it('prints logs: default container, -c, --tail, -f until the container exits, and --previous of a crashed one', async () => {
    await apply(
      'logs.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: chatty}
spec:
  restartPolicy: Never
  containers:
  - {name: main, image: busybox, command: [sh, -c, "echo one; echo two; echo three; sleep 3; echo four"]}
  - {name: side, image: busybox, command: [sh, -c, "echo side-hello; sleep infinity"]}
---
apiVersion: v1
kind: Pod
metadata:
  name: crashy
  annotations: {kubesim.io/crash-after: 1s, kubesim.io/exit-code: "3"}
spec:
  containers: [{name: app, image: busybox, command: [sh, -c, "echo starting up; sleep infinity"]}]
`,
    );
    await k.cluster.eventually('kubectl logs chatty -c main', (r) => r.stdout.includes('three'), 30_000);
    // -f follows the running container and ends when it exits
    const follow = await ok('timeout 20 kubectl logs -f chatty -c main', 30_000);
    expect(follow.split('\n').filter((l) => !l.startsWith('kubesim:'))).toEqual(['one', 'two', 'three', 'four', '']);
    const byDefault = await run('kubectl logs chatty');
    expect(byDefault.stderr).toBe('Defaulted container "main" out of: main, side\n');
    expect(byDefault.stdout).toContain('one\ntwo\nthree\n');
    expect(await ok('kubectl logs chatty -c side')).toBe('side-hello\n');
    expect(await ok('kubectl logs chatty -c main --tail=2')).toBe('three\nfour\n');
    const nope = await run('kubectl logs chatty -c nope');
    expect(nope.stderr).toContain('container nope is not valid for pod chatty');
    // -f on a container that keeps running: kubectl stays until it is stopped
    const open = await run('timeout 3 kubectl logs -f chatty -c side', 10_000);
    expect([open.code, open.stdout]).toEqual([124, 'side-hello\n']);

    await k.cluster.eventually('kubectl get pod crashy -o jsonpath={.status.containerStatuses[0].restartCount}', (r) => Number(r.stdout) >= 1, 60_000);
    const previous = await ok('kubectl logs crashy --previous');
    expect(previous).toContain('starting up\n');
    expect(previous).toContain('exit code 3');
    const crashy = await get('pod crashy');
    expect(crashy.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(await ok('kubectl get pod crashy --no-headers')).toMatch(/^crashy\s+0\/1\s+(CrashLoopBackOff|Error|Running)\s+\d+ \(\S+ ago\)/);
  });

  it('cordons a node, so new pods avoid it, and uncordons it', async () => {
    expect(await ok('kubectl cordon kubesim-node-2')).toBe('node/kubesim-node-2 cordoned\n');
    expect((await get('node kubesim-node-2')).spec.unschedulable).toBe(true);
    expect(await ok('kubectl get node kubesim-node-2 --no-headers')).toMatch(/^kubesim-node-2\s+Ready,SchedulingDisabled\s/);
    expect(await ok('kubectl cordon kubesim-node-2')).toBe('node/kubesim-node-2 already cordoned\n');
    await ok('kubectl create deployment spread --image=nginx --replicas=4');
    await ok('kubectl wait --for=condition=Available deployment/spread --timeout=60s', 70_000);
    const nodes = (await list('pods -l app=spread')).map((p) => p.spec.nodeName);
    expect(nodes).toHaveLength(4);
    expect(nodes).not.toContain('kubesim-node-2');
    expect(await ok('kubectl uncordon kubesim-node-2')).toBe('node/kubesim-node-2 uncordoned\n');
    expect((await get('node kubesim-node-2')).spec.unschedulable).toBeUndefined();
    await ok('kubectl delete deployment spread');
  });

  it('drains a node: a PodDisruptionBudget holds the eviction back (429, retried) until it allows it', async () => {
    await ok('kubectl create deployment guarded --image=nginx --replicas=2');
    await ok('kubectl wait --for=condition=Available deployment/guarded --timeout=60s', 70_000);
    await ok('kubectl create poddisruptionbudget guarded --selector=app=guarded --min-available=2');
    await k.cluster.eventually('kubectl get pdb guarded -o jsonpath={.status.observedGeneration}/{.status.currentHealthy}/{.status.disruptionsAllowed}', (r) => r.stdout === '1/2/0', 30_000);
    expect(await ok('kubectl get pdb guarded --no-headers')).toMatch(/^guarded\s+2\s+N\/A\s+0\s/);
    const [victim] = await list('pods -l app=guarded');
    const node = victim!.spec.nodeName as string;

    const drain = spawn('bash', ['-c', `kubectl drain ${node} --ignore-daemonsets --pod-selector=app=guarded --timeout=90s`], { cwd: k.cluster.dir, env: k.cluster.env });
    let out = '';
    let err = '';
    drain.stdout.on('data', (d: Buffer) => (out += d.toString()));
    drain.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => drain.on('close', (code) => r(code)));
    try {
      // kubectl prints the 429 and retries every 5 s (client-go first retries silently if a Retry-After comes)
      for (let i = 0; i < 60 && !err.includes('will retry after 5s'); i++) await sleep(500);
      expect(err).toContain(`error when evicting pods/"${victim!.metadata.name}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
      expect(out).toContain(`node/${node} cordoned`);
      expect((await get(`pod ${victim!.metadata.name}`)).metadata.uid).toBe(victim!.metadata.uid);
      // a third replica makes room in the budget
      await ok('kubectl scale deployment guarded --replicas=3');
      expect(await exited).toBe(0);
    } finally {
      drain.kill();
    }
    expect(out).toContain(`pod/${victim!.metadata.name} evicted\nnode/${node} drained\n`);
    const pods = await list('pods -l app=guarded');
    expect(pods.map((p) => p.metadata.name)).not.toContain(victim!.metadata.name);
    expect(pods.every((p) => p.spec.nodeName !== node)).toBe(true);
    expect((await get(`node ${node}`)).spec.unschedulable).toBe(true);
    await ok(`kubectl uncordon ${node}`);
  }, 120_000);
  it('reaches pods through the apiserver: services/proxy in turn, pods/proxy, and kubectl proxy', async () => {
    await ok('kubectl create deployment echo --image=nginx --replicas=2');
    await ok('kubectl expose deployment echo --port=80');
    await ok('kubectl wait --for=condition=Available deployment/echo --timeout=60s', 70_000);
    await k.cluster.eventually('kubectl get endpoints echo -o jsonpath={.subsets[0].addresses[*].ip}', (r) => r.stdout.split(' ').filter(Boolean).length === 2, 30_000);
    const pods = (await list('pods -l app=echo')).map((p) => p.metadata.name).sort();
    const answerer = (text: string): string => /pod default\/(\S+) /.exec(text)?.[1] ?? text;

    // the service's port, by number: its two endpoints answer in turn
    const viaService: string[] = [];
    for (let i = 0; i < 4; i++) viaService.push(answerer(await ok('kubectl get --raw /api/v1/namespaces/default/services/echo:80/proxy/')));
    expect([...new Set(viaService)].sort()).toEqual(pods);
    expect(viaService[0]).not.toBe(viaService[1]);
    // one pod, with the rest of the path and the query passed on
    expect(await ok(`kubectl get --raw '/api/v1/namespaces/default/pods/${pods[0]}/proxy/hello?x=1'`)).toContain(`pod default/${pods[0]} `);
    expect(await ok(`kubectl get --raw '/api/v1/namespaces/default/pods/${pods[0]}/proxy/hello?x=1'`)).toContain('GET /hello?x=1');
    // errors as Kubernetes words them
    const noPort = await k.run('kubectl get --raw /api/v1/namespaces/default/services/echo:81/proxy/');
    expect(noPort.stderr).toContain('Error from server (ServiceUnavailable): no service port 81 found for service "echo"');
    const refused = await k.run(`kubectl get --raw /api/v1/namespaces/default/pods/${pods[0]}:8080/proxy/`);
    expect(refused.stderr).toMatch(/ServiceUnavailable.*connect: connection refused/);
    expect((await k.run('kubectl get --raw /api/v1/namespaces/default/services/nope/proxy/')).stderr).toContain('services "nope" not found');

    // `kubectl proxy`: a local HTTP port that forwards to the apiserver with the user's credentials
    const proxy = spawn('kubectl', ['proxy', '--port=0'], { cwd: k.cluster.dir, env: k.cluster.env });
    try {
      let out = '';
      proxy.stdout.on('data', (d: Buffer) => (out += d.toString()));
      for (let i = 0; i < 40 && !/127\.0\.0\.1:\d+/.test(out); i++) await sleep(250);
      const port = /127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      expect(port, out).toBeDefined();
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/namespaces/default/services/echo/proxy/`);
      expect(res.status).toBe(200);
      expect(pods).toContain(answerer(await res.text()));
    } finally {
      proxy.kill();
    }
    await ok('kubectl delete service echo');
    await ok('kubectl delete deployment echo');
  }, 120_000);
});
