import { describe, expect, it } from 'vitest';
import { resources, type KubeObject, type ResourceType } from '@kubesim/shared';
import { humanDuration, toTable } from './index.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString().replace('.000Z', 'Z');

const obj = (name: string, rest: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject =>
  ({ metadata: { name, namespace: 'default', creationTimestamp: ago(44), ...meta }, ...rest }) as KubeObject;

function row(type: ResourceType, o: KubeObject): unknown[] {
  const table = toTable(type, [o], { includeObject: 'None', now: NOW }) as { rows: Array<{ cells: unknown[] }> };
  return table.rows[0]!.cells;
}
function headers(type: ResourceType): string[] {
  const table = toTable(type, [], { includeObject: 'None', now: NOW }) as { columnDefinitions: Array<{ name: string; priority: number }> };
  return table.columnDefinitions.map((c) => (c.priority ? `(${c.name.toUpperCase()})` : c.name.toUpperCase()));
}

describe('humanDuration', () => {
  it.each([
    [5, '5s'],
    [119, '119s'],
    [182, '3m2s'],
    [180, '3m'],
    [600, '10m'],
    [179 * 60, '179m'],
    [5 * 3600 + 30 * 60, '5h30m'],
    [5 * 3600, '5h'],
    [30 * 3600, '30h'],
    [51 * 3600, '2d3h'],
    [45 * 86400, '45d'],
    [(2 * 365 + 10) * 86400, '2y10d'],
    [-1.5, '0s'],
    [-5, '<invalid>'],
  ])('formats %s seconds as %s', (seconds, text) => {
    expect(humanDuration(seconds * 1000)).toBe(text);
  });
});

const running = (name: string, restartCount = 0, extra: Record<string, unknown> = {}) => ({
  name,
  ready: true,
  restartCount,
  state: { running: { startedAt: ago(30) } },
  ...extra,
});

describe('toTable for pods', () => {
  it('has the columns of a real cluster, wide ones at priority 1', () => {
    expect(headers(resources.pods)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', '(IP)', '(NODE)', '(NOMINATED NODE)', '(READINESS GATES)']);
  });

  it('prints a running pod', () => {
    const pod = obj('mypod', {
      spec: { nodeName: 'node-2', containers: [{ name: 'nginx' }] },
      status: { phase: 'Running', podIP: '10.244.0.46', containerStatuses: [running('nginx')] },
    });
    expect(row(resources.pods, pod)).toEqual(['mypod', '1/1', 'Running', '0', '44s', '10.244.0.46', 'node-2', '<none>', '<none>']);
  });

  const statusOf = (status: Record<string, unknown>, spec: Record<string, unknown> = { containers: [{ name: 'c' }] }, meta = {}): unknown[] =>
    row(resources.pods, obj('p', { spec, status }, meta)).slice(1, 4);

  it('shows ContainerCreating for a waiting container', () => {
    expect(statusOf({ phase: 'Pending', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] })).toEqual([
      '0/1',
      'ContainerCreating',
      '0',
    ]);
  });

  it('shows CrashLoopBackOff with restarts and how long ago the last one was', () => {
    expect(
      statusOf({
        phase: 'Running',
        containerStatuses: [
          { name: 'c', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(120) } } },
        ],
      }),
    ).toEqual(['0/1', 'CrashLoopBackOff', '3 (2m ago)']);
  });

  it('shows Completed, Error, OOMKilled and ExitCode from terminated containers', () => {
    const term = (terminated: Record<string, unknown>) => statusOf({ phase: 'Succeeded', containerStatuses: [{ name: 'c', ready: false, restartCount: 0, state: { terminated } }] })[1];
    expect(term({ exitCode: 0, reason: 'Completed' })).toBe('Completed');
    expect(term({ exitCode: 1, reason: 'Error' })).toBe('Error');
    expect(term({ exitCode: 137, reason: 'OOMKilled' })).toBe('OOMKilled');
    expect(term({ exitCode: 2 })).toBe('ExitCode:2');
    expect(term({ exitCode: 0, signal: 9 })).toBe('Signal:9');
  });

  it('shows Init:0/1 while the init container runs and Init:Error when it failed', () => {
    const spec = { initContainers: [{ name: 'init' }], containers: [{ name: 'c' }] };
    const waiting = { name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } };
    expect(statusOf({ phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { running: {} } }], containerStatuses: [waiting] }, spec)[1]).toBe(
      'Init:0/1',
    );
    expect(
      statusOf({ phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }] }, spec)[1],
    ).toBe('Init:Error');
  });

  it('counts a started sidecar init container as ready', () => {
    const spec = { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'c' }] };
    const status = {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 0, state: { running: {} } }],
      containerStatuses: [running('c')],
    };
    expect(statusOf(status, spec)).toEqual(['2/2', 'Running', '0']);
  });

  it('shows Terminating for a pod being deleted, and Pending for an unscheduled one', () => {
    expect(statusOf({ phase: 'Running', containerStatuses: [running('c')] }, undefined, { deletionTimestamp: ago(1) })[1]).toBe('Terminating');
    expect(statusOf({ phase: 'Pending' })).toEqual(['0/1', 'Pending', '0']);
  });

  it('reports readiness gates as true/total', () => {
    const pod = obj('p', {
      spec: { containers: [{ name: 'c' }], readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] },
      status: { phase: 'Running', conditions: [{ type: 'a', status: 'True' }] },
    });
    expect(row(resources.pods, pod)[8]).toBe('1/2');
  });
});

describe('toTable for workloads', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'side', image: 'busybox' }] } };
  const selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] };

  it('prints deployments', () => {
    expect(headers(resources.deployments)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', '(CONTAINERS)', '(IMAGES)', '(SELECTOR)']);
    const d = obj('web', { spec: { replicas: 3, selector, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } });
    expect(row(resources.deployments, d)).toEqual(['web', '2/3', 3, 2, '44s', 'nginx,side', 'nginx:1.27,busybox', 'app=web,tier in (a,b)']);
  });

  it('prints replicasets, statefulsets and daemonsets', () => {
    expect(row(resources.replicasets, obj('web-1', { spec: { replicas: 3, selector, template }, status: { replicas: 3, readyReplicas: 1 } })).slice(0, 5)).toEqual([
      'web-1', 3, 3, 1, '44s',
    ]);
    expect(row(resources.statefulsets, obj('db', { spec: { replicas: 2, template }, status: { readyReplicas: 2 } }))).toEqual(['db', '2/2', '44s', 'nginx,side', 'nginx:1.27,busybox']);
    expect(headers(resources.daemonsets).slice(0, 8)).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    const ds = obj('kube-proxy', {
      spec: { selector, template: { spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    });
    expect(row(resources.daemonsets, ds).slice(0, 8)).toEqual(['kube-proxy', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '44s']);
  });

  it('prints jobs with status, completions and duration', () => {
    expect(headers(resources.jobs).slice(0, 5)).toEqual(['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE']);
    const done = obj('hello', { spec: { completions: 1, template }, status: { succeeded: 1, startTime: ago(40), completionTime: ago(33), conditions: [{ type: 'Complete', status: 'True' }] } });
    expect(row(resources.jobs, done).slice(0, 5)).toEqual(['hello', 'Complete', '1/1', '7s', '44s']);
    const runningJob = obj('par', { spec: { parallelism: 3, template }, status: { startTime: ago(10) } });
    expect(row(resources.jobs, runningJob).slice(0, 5)).toEqual(['par', 'Running', '0/1 of 3', '10s', '44s']);
  });

  it('prints cronjobs', () => {
    expect(headers(resources.cronjobs).slice(0, 7)).toEqual(['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE']);
    const cj = obj('tick', { spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template } } }, status: { active: [{ name: 'tick-1' }], lastScheduleTime: ago(20) } });
    expect(row(resources.cronjobs, cj).slice(0, 7)).toEqual(['tick', '*/1 * * * *', '<none>', false, 1, '20s', '44s']);
  });

  it('prints controllerrevisions with their controller', () => {
    const cr = obj('web-abc', { revision: 2 }, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] });
    expect(row(resources.controllerrevisions, cr)).toEqual(['web-abc', 'statefulset.apps/web', 2, '44s']);
  });
});

describe('toTable for cluster kinds', () => {
  it('prints a cordoned node with roles and wide fields', () => {
    expect(headers(resources.nodes)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', '(INTERNAL-IP)', '(EXTERNAL-IP)', '(OS-IMAGE)', '(KERNEL-VERSION)', '(CONTAINER-RUNTIME)']);
    const node = obj(
      'node-1',
      {
        spec: { unschedulable: true },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
          nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'kubesim', kernelVersion: '6.1', containerRuntimeVersion: 'kubesim://1' },
        },
      },
      { labels: { 'node-role.kubernetes.io/control-plane': '' } },
    );
    expect(row(resources.nodes, node)).toEqual(['node-1', 'Ready,SchedulingDisabled', 'control-plane', '44s', 'v1.32.0', '127.0.0.1', '<none>', 'kubesim', '6.1', 'kubesim://1']);
    expect(row(resources.nodes, obj('n', { status: { conditions: [{ type: 'Ready', status: 'False' }] } })).slice(1, 3)).toEqual(['NotReady', '<none>']);
  });

  it('prints services of each type', () => {
    expect(headers(resources.services)).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', '(SELECTOR)']);
    const np = obj('np', { spec: { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }, { port: 53, protocol: 'UDP' }], selector: { app: 'np' } } });
    expect(row(resources.services, np)).toEqual(['np', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '44s', 'app=np']);
    const lb = obj('lb', { spec: { type: 'LoadBalancer', clusterIP: '10.96.0.11', ports: [{ port: 80, protocol: 'TCP' }] } });
    expect(row(resources.services, lb).slice(3, 4)).toEqual(['<pending>']);
    const ext = obj('ext', { spec: { type: 'ExternalName', externalName: 'example.com' } });
    expect(row(resources.services, ext).slice(1, 5)).toEqual(['ExternalName', '<none>', 'example.com', '<none>']);
  });

  it('prints endpoints and endpointslices, at most three addresses', () => {
    const ep = obj('web', { subsets: [{ addresses: ['1', '2', '3', '4'].map((i) => ({ ip: `10.0.0.${i}` })), ports: [{ port: 80 }] }] });
    expect(row(resources.endpoints, ep)).toEqual(['web', '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...', '44s']);
    expect(row(resources.endpoints, obj('none'))).toEqual(['none', '<none>', '44s']);
    const slice = obj('web-x', { addressType: 'IPv4', ports: [{ port: 80 }], endpoints: [{ addresses: ['10.0.0.1'] }] });
    expect(row(resources.endpointslices, slice)).toEqual(['web-x', 'IPv4', '80', '10.0.0.1', '44s']);
  });

  it('prints events with the object as kind/name', () => {
    expect(headers(resources.events)).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', '(SUBOBJECT)', '(SOURCE)', 'MESSAGE', '(FIRST SEEN)', '(COUNT)', '(NAME)']);
    const ev = obj('mypod.17a', {
      involvedObject: { kind: 'Pod', name: 'mypod', fieldPath: 'spec.containers{nginx}' },
      reason: 'Pulled',
      message: 'Successfully pulled image\n',
      type: 'Normal',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: ago(300),
      lastTimestamp: ago(60),
      count: 2,
    });
    expect(row(resources.events, ev)).toEqual(['60s', 'Normal', 'Pulled', 'pod/mypod', 'spec.containers{nginx}', 'kubelet, node-1', 'Successfully pulled image', '5m', 2, 'mypod.17a']);
    const v1 = { ...obj('e2', { regarding: { kind: 'Node', name: 'node-1' }, note: 'hi', type: 'Warning', reason: 'X', eventTime: '2024-05-01T11:59:50.000000Z', reportingController: 'kubelet' }), apiVersion: 'events.k8s.io/v1' };
    expect(row(resources.eventsV1, v1 as KubeObject).slice(0, 7)).toEqual(['10s', 'Warning', 'X', 'node/node-1', '', 'kubelet', 'hi']);
  });

  it('prints configuration kinds', () => {
    expect(row(resources.configmaps, obj('cm', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }))).toEqual(['cm', 3, '44s']);
    expect(row(resources.secrets, obj('s', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }))).toEqual(['s', 'kubernetes.io/tls', 2, '44s']);
    expect(row(resources.serviceaccounts, obj('default'))).toEqual(['default', 0, '44s']);
    expect(row(resources.namespaces, obj('team', { status: { phase: 'Active' } }))).toEqual(['team', 'Active', '44s']);
  });

  it('prints storage kinds', () => {
    const pv = obj('pv1', {
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'standard' },
      status: { phase: 'Bound' },
    });
    expect(row(resources.persistentvolumes, pv)).toEqual(['pv1', '1Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', '44s', 'Filesystem']);
    const pvc = obj('data', { spec: { volumeName: 'pv1', storageClassName: 'standard' }, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } });
    expect(row(resources.persistentvolumeclaims, pvc)).toEqual(['data', 'Bound', 'pv1', '1Gi', 'RWO', 'standard', '<unset>', '44s', 'Filesystem']);
    const sc = obj('standard', { provisioner: 'kubesim.io/hostpath' }, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } });
    expect(row(resources.storageclasses, sc)).toEqual(['standard (default)', 'kubesim.io/hostpath', 'Delete', 'Immediate', false, '44s']);
  });

  it('prints leases, PDBs and priority classes', () => {
    expect(row(resources.leases, obj('node-1', { spec: { holderIdentity: 'node-1' } }))).toEqual(['node-1', 'node-1', '44s']);
    expect(row(resources.poddisruptionbudgets, obj('pdb', { spec: { minAvailable: 1 }, status: { disruptionsAllowed: 0 } }))).toEqual(['pdb', '1', 'N/A', 0, '44s']);
    expect(row(resources.priorityclasses, obj('high', { value: 1000 }))).toEqual(['high', 1000, false, '44s', 'PreemptLowerPriority']);
  });
});

describe('toTable shape', () => {
  const pod = obj('mypod', { spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending' } }, { labels: { run: 'mypod' }, uid: 'u1' });

  it('carries kind, apiVersion, resourceVersion and PartialObjectMetadata rows', () => {
    const table = toTable(resources.pods, [pod], { includeObject: 'Metadata', now: NOW, resourceVersion: '1218', continue: 'abc' });
    expect(table).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '1218', continue: 'abc' } });
    expect((table['rows'] as Array<{ object: unknown }>)[0]!.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata });
  });

  it('carries the full object for includeObject=Object and none for None', () => {
    const full = toTable(resources.pods, [pod], { includeObject: 'Object', now: NOW }) as { rows: Array<{ object?: KubeObject }> };
    expect(full.rows[0]!.object).toMatchObject({ kind: 'Pod', apiVersion: 'v1', spec: { containers: [{ name: 'c' }] } });
    const none = toTable(resources.pods, [pod], { includeObject: 'None', now: NOW }) as { rows: Array<{ object?: KubeObject }> };
    expect(none.rows[0]!.object).toBeUndefined();
  });

  it('gives kinds without a printer NAME and AGE', () => {
    const custom = { ...resources.configmaps, group: 'example.com', resource: 'widgets', kind: 'Widget' };
    expect(headers(custom)).toEqual(['NAME', 'AGE']);
  });
});

describe('label and selector columns', () => {
  it("list keys in Go's byte order, as labels.FormatLabels and a selector's String do", async () => {
    const { formatLabels, formatSelector } = await import('./columns.ts');
    expect(formatLabels({ app: 'web', App: 'x', 'a-b': '1' })).toBe('App=x,a-b=1,app=web');
    expect(formatSelector({ matchLabels: { tier: 'db', Tier: 'x' }, matchExpressions: [{ key: 'Zone', operator: 'Exists' }] })).toBe('Tier=x,Zone,tier=db');
  });
});
