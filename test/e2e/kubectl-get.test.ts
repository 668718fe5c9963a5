// Stock kubectl reading a whole `kubesim up` cluster: `version`, `api-resources`,
// `auth whoami`, `get` in its output forms (-o name, jsonpath, custom-columns, -A,
// --show-labels, -L, --sort-by, -w with watch events), `describe` of a Deployment, a Pod and
// a Node, `explain`, `events` and `top`. Each case compares kubectl's output with the stored
// objects (`kubectl get -o json`). One cluster for the whole file.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { haveKubectl } from './cluster.ts';
import { useKubectlCluster } from './kubectl-session.ts';

type Obj = {
  metadata: { name: string; namespace?: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string }> };
  spec?: any;
  status?: any;
  data?: Record<string, string>;
};

const FIXTURE = `apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27", ports: [{containerPort: 80}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: team-a
  labels: {app: api, tier: back}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, tier: back}}
    spec:
      containers: [{name: api, image: "httpd:2.4"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c-beta, labels: {group: ranked}}
data: {rank: "2"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c-alpha, labels: {group: ranked}}
data: {rank: "3"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c-gamma, labels: {group: ranked}}
data: {rank: "1"}
`;

/** the rows of a table, split on runs of 2+ spaces (cells may hold single spaces) */
const rows = (table: string): string[][] =>
  table
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s{2,}/));

describe.skipIf(!haveKubectl)('kubectl reads kubesim up', () => {
  const k = useKubectlCluster({
    setup: async (s) => {
      await s.ok(`kubectl apply -f ${s.file('fixture.yaml', FIXTURE)}`);
      await s.ok('kubectl wait --for=condition=Available deployment/web --timeout=60s', 70_000);
      await s.ok('kubectl wait --for=condition=Available deployment/api -n team-a --timeout=60s', 70_000);
    },
  });
  const { run, ok } = k;
  const get = (ref: string): Promise<Obj> => k.get<Obj>(ref);
  const list = (ref: string): Promise<Obj[]> => k.list<Obj>(ref);

  it('reports the version, the served resources and who the caller is', async () => {
    const version = await ok('kubectl version -o json');
    expect(JSON.parse(version).serverVersion).toMatchObject({ major: '1', minor: '32' });
    const resources = rows(await ok('kubectl api-resources'));
    expect(resources[0]).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    expect(resources).toContainEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(resources).toContainEqual(['poddisruptionbudgets', 'pdb', 'policy/v1', 'true', 'PodDisruptionBudget']);
    expect(resources).toContainEqual(['nodes', 'no', 'v1', 'false', 'Node']);
    expect((await ok('kubectl api-resources --api-group=batch -o name')).split('\n').filter(Boolean).sort()).toEqual(['cronjobs.batch', 'jobs.batch']);
    const who = JSON.parse(await ok('kubectl auth whoami -o json'));
    expect(who).toMatchObject({ kind: 'SelfSubjectReview', status: { userInfo: { username: 'kubesim-admin' } } });
    expect(who.status.userInfo.groups).toContain('system:masters');
    expect(rows(await ok('kubectl auth whoami'))[1]).toEqual(['Username', 'kubesim-admin']);
  });

  it('prints names (-o name) and jsonpath as stored', async () => {
    const names = (await ok('kubectl get deployments,configmaps -l "app in (web),tier=front" -o name')).trim();
    expect(names).toBe('deployment.apps/web');
    const pods = await list('pods -l app=web');
    expect((await ok('kubectl get pods -l app=web -o name')).trim().split('\n').sort()).toEqual(pods.map((p) => `pod/${p.metadata.name}`).sort());
    const jp = await ok(`kubectl get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase} {.status.podIP}{"\\n"}{end}'`);
    expect(jp.trim().split('\n').sort()).toEqual(pods.map((p) => `${p.metadata.name} ${p.spec.nodeName} Running ${p.status.podIP}`).sort());
    expect(await ok(`kubectl get deployment web -o jsonpath='{.spec.replicas}/{.status.readyReplicas}/{.spec.template.spec.containers[0].ports[0].containerPort}'`)).toBe('2/2/80');
  });

  it('prints custom columns across all namespaces (-A), with the NAMESPACE column in tables', async () => {
    const table = rows(await ok('kubectl get deployments -A -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGE:.spec.template.spec.containers[0].image'));
    expect(table).toEqual([
      ['NS', 'NAME', 'REPLICAS', 'IMAGE'],
      ['default', 'web', '2', 'nginx:1.27'],
      ['team-a', 'api', '1', 'httpd:2.4'],
    ]);
    const all = await list('pods -A');
    const printed = rows(await ok('kubectl get pods -A'));
    expect(printed[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(printed.slice(1).map((r) => `${r[0]}/${r[1]}`).sort()).toEqual(all.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort());
    expect(printed.filter((r) => r[0] === 'team-a')).toHaveLength(1);
    expect(printed.slice(1).every((r) => r[2] === '1/1' && r[3] === 'Running')).toBe(true);
  });

  it('shows labels as a column (--show-labels) and chosen labels as columns (-L)', async () => {
    const shown = rows(await ok('kubectl get deployment web --show-labels'));
    expect(shown[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'LABELS']);
    expect(shown[1]![0]).toBe('web');
    expect(shown[1]![5]).toBe('app=web,tier=front');
    const pods = await list('pods -l app=web');
    const hash = pods[0]!.metadata.labels!['pod-template-hash'];
    const cols = rows(await ok('kubectl get pods -l app=web -L tier,pod-template-hash,missing'));
    expect(cols[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'TIER', 'POD-TEMPLATE-HASH', 'MISSING']);
    for (const row of cols.slice(1)) expect(row.slice(5)).toEqual(['front', hash]);
  });

  it('sorts with --sort-by, by name and by a data field', async () => {
    const byName = await ok('kubectl get configmaps -l group=ranked --sort-by=.metadata.name -o name');
    expect(byName).toBe('configmap/c-alpha\nconfigmap/c-beta\nconfigmap/c-gamma\n');
    const byRank = rows(await ok('kubectl get configmaps -l group=ranked --sort-by=.data.rank -o custom-columns=NAME:.metadata.name,RANK:.data.rank'));
    expect(byRank).toEqual([['NAME', 'RANK'], ['c-gamma', '1'], ['c-beta', '2'], ['c-alpha', '3']]);
    const stored = await list('configmaps -l group=ranked');
    expect(Object.fromEntries(stored.map((c) => [c.metadata.name, c.data?.['rank']]))).toEqual({ 'c-alpha': '3', 'c-beta': '2', 'c-gamma': '1' });
    const nodes = rows(await ok('kubectl get nodes --sort-by=.metadata.name --no-headers'));
    expect(nodes.map((r) => r[0])).toEqual(['kubesim-node-0', 'kubesim-node-1', 'kubesim-node-2']);
  });

  it('watches (-w) a pod through its life, printing a row per change with its watch event', async () => {
    const watch = spawn('bash', ['-c', 'kubectl get pods -l run=watched -w --output-watch-events'], { cwd: k.cluster.dir, env: k.cluster.env });
    let out = '';
    watch.stdout.on('data', (d: Buffer) => (out += d.toString()));
    watch.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await new Promise((r) => setTimeout(r, 1500));
      await ok('kubectl run watched --image=nginx --labels=run=watched');
      for (let i = 0; i < 60 && !/MODIFIED\s+watched\s+1\/1\s+Running/.test(out); i++) await new Promise((r) => setTimeout(r, 250));
      const uid = (await get('pod watched')).metadata.uid;
      await ok('kubectl delete pod watched --wait=false');
      for (let i = 0; i < 80 && !/DELETED\s+watched/.test(out); i++) await new Promise((r) => setTimeout(r, 250));
      const lines = rows(out);
      expect(lines[0]).toEqual(['EVENT', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
      expect(lines[1]!.slice(0, 4)).toEqual(['ADDED', 'watched', '0/1', 'Pending']);
      expect(lines.map((l) => `${l[0]} ${l[3]}`)).toContain('MODIFIED Running');
      expect(lines.some((l) => l[0] === 'MODIFIED' && l[3] === 'Terminating')).toBe(true);
      expect(lines[lines.length - 1]![0]).toBe('DELETED');
      expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      watch.kill();
    }
    expect((await run('kubectl get pod watched')).stderr).toContain('(NotFound)');
  });

  it('describes a Deployment: replicas, strategy, conditions, its ReplicaSet and events', async () => {
    const [rs] = await list('replicasets -l app=web');
    const out = await ok('kubectl describe deployment web');
    expect(out).toMatch(/^Name:\s+web$/m);
    expect(out).toMatch(/^Namespace:\s+default$/m);
    expect(out).toMatch(/^Selector:\s+app=web$/m);
    expect(out).toMatch(/^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
    expect(out).toMatch(/^StrategyType:\s+RollingUpdate$/m);
    expect(out).toMatch(/^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    expect(out).toMatch(/^\s+Image:\s+nginx:1\.27$/m);
    expect(out).toMatch(/^\s+Available\s+True\s+MinimumReplicasAvailable$/m);
    expect(out).toMatch(/^\s+Progressing\s+True\s+NewReplicaSetAvailable$/m);
    expect(out).toContain(`NewReplicaSet:   ${rs!.metadata.name} (2/2 replicas created)`);
    expect(out).toMatch(new RegExp(`Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set ${rs!.metadata.name} from 0 to 2`));
  });

  it('describes a Pod: node, IP, owner, container state and the kubelet and scheduler events', async () => {
    const [pod] = await list('pods -l app=web');
    const name = pod!.metadata.name;
    const out = await ok(`kubectl describe pod ${name}`);
    expect(out).toMatch(new RegExp(`^Node:\\s+${pod!.spec.nodeName}/${pod!.status.hostIP.replaceAll('.', '\\.')}$`, 'm'));
    expect(out).toMatch(/^Status:\s+Running$/m);
    expect(out).toMatch(new RegExp(`^IP:\\s+${pod!.status.podIP.replaceAll('.', '\\.')}$`, 'm'));
    expect(out).toMatch(new RegExp(`^Controlled By:\\s+ReplicaSet/${pod!.metadata.ownerReferences![0]!.name}$`, 'm'));
    expect(out).toMatch(/^\s+State:\s+Running$/m);
    expect(out).toMatch(/^\s+Ready:\s+True$/m);
    expect(out).toMatch(/^\s+Restart Count:\s+0$/m);
    expect(out).toContain(`Container ID:   ${pod!.status.containerStatuses[0].containerID}`);
    expect(out).toMatch(/^QoS Class:\s+BestEffort$/m);
    expect(out).toMatch(new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/${name} to ${pod!.spec.nodeName}`));
    expect(out).toMatch(/Normal\s+Started\s+\S+\s+kubelet\s+Started container nginx/);
  });

  it('describes a Node: conditions, capacity, system info and the pods it runs', async () => {
    const node = await get('node kubesim-node-1');
    const running = (await list('pods -A --field-selector=spec.nodeName=kubesim-node-1')).filter((p) => !['Succeeded', 'Failed'].includes(p.status.phase));
    const out = await ok('kubectl describe node kubesim-node-1');
    expect(out).toMatch(/^Name:\s+kubesim-node-1$/m);
    expect(out).toMatch(/^\s+Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status$/m);
    expect(out).toMatch(/^\s+HolderIdentity:\s+kubesim-node-1$/m);
    expect(out).toMatch(new RegExp(`^PodCIDR:\\s+${node.spec.podCIDR.replaceAll('.', '\\.')}$`, 'm'));
    expect(out).toMatch(new RegExp(`^\\s+Kubelet Version:\\s+${node.status.nodeInfo.kubeletVersion}$`, 'm'));
    expect(out).toMatch(new RegExp(`^\\s+cpu:\\s+${node.status.capacity.cpu}$`, 'm'));
    expect(out).toContain(`Non-terminated Pods:          (${running.length} in total)`);
    for (const p of running) expect(out).toMatch(new RegExp(`^\\s+${p.metadata.namespace}\\s+${p.metadata.name}\\s`, 'm'));
  });

  it('explains fields from the OpenAPI document', async () => {
    const replicas = await ok('kubectl explain deployment.spec.replicas');
    expect(replicas).toMatch(/^GROUP:\s+apps$/m);
    expect(replicas).toMatch(/^KIND:\s+Deployment$/m);
    expect(replicas).toMatch(/^FIELD: replicas <integer>$/m);
    const doc = JSON.parse(await ok('kubectl get --raw /openapi/v3/apis/apps/v1')) as { components: { schemas: Record<string, { properties?: Record<string, { description?: string }> }> } };
    const spec = Object.entries(doc.components.schemas).find(([k]) => k.endsWith('.DeploymentSpec'))![1];
    const described = spec.properties!['replicas']!.description!;
    expect(replicas.replace(/\s+/g, ' ')).toContain(described.replace(/\s+/g, ' '));
    const pod = await ok('kubectl explain pods');
    expect(pod).toMatch(/^KIND:\s+Pod$/m);
    expect(pod).toMatch(/^VERSION:\s+v1$/m);
    expect(pod).toMatch(/^\s+spec\s+<PodSpec>$/m);
    expect(await ok('kubectl explain pod.spec.containers --recursive')).toMatch(/^\s+image\s+<string>$/m);
  });

  it('lists events, by object, as describe shows them', async () => {
    const events = await list('events --field-selector=involvedObject.kind=Deployment,involvedObject.name=web');
    expect(events.map((e) => (e as unknown as { reason: string }).reason)).toContain('ScalingReplicaSet');
    const printed = await ok('kubectl events --for deployment/web');
    expect(printed).toMatch(/Normal\s+ScalingReplicaSet\s+Deployment\/web\s+Scaled up replica set web-/);
    const table = rows(await ok('kubectl get events --field-selector=involvedObject.kind=Deployment'));
    expect(table[0]).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(table.some((r) => r[3] === 'deployment/web' && r[2] === 'ScalingReplicaSet')).toBe(true);
  });

  it('prints usage from the kubelets with top (metrics.k8s.io)', async () => {
    const pods = rows(await ok('kubectl top pods -l app=web'));
    expect(pods[0]).toEqual(['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    const stored = (await list('pods -l app=web')).map((p) => p.metadata.name).sort();
    expect(pods.slice(1).map((r) => r[0]).sort()).toEqual(stored);
    for (const r of pods.slice(1)) {
      expect(r[1]).toMatch(/^\d+m$/);
      expect(r[2]).toMatch(/^\d+Mi$/);
    }
    const raw = JSON.parse(await ok('kubectl get --raw /apis/metrics.k8s.io/v1beta1/namespaces/default/pods')) as { items: Array<{ metadata: { name: string } }> };
    expect(raw.items.map((i) => i.metadata.name)).toEqual(expect.arrayContaining(stored));
    const nodes = rows(await ok('kubectl top nodes'));
    expect(nodes[0]).toEqual(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
    expect(nodes.slice(1).map((r) => r[0])).toEqual(['kubesim-node-0', 'kubesim-node-1', 'kubesim-node-2']);
    for (const r of nodes.slice(1)) expect(r.slice(1).join(' ')).toMatch(/^\d+m \d+% \d+Mi \d+%$/);
  });
});
