import { describe, expect, it } from 'vitest';
import type { StatusCause } from '../../errors.ts';
import { makePod } from '../fixtures.ts';
import { addDefaultTolerations, podKind, type Pod } from './pod.ts';

type Over = Parameters<typeof makePod>[0];
const defaulted = (over?: Over): Pod => {
  const p = makePod(over);
  podKind.setDefaults(p);
  return p;
};
const c0 = (p: Pod) => p.spec!.containers[0]!;

describe('pod defaulting', () => {
  const cases: [string, Over, (p: Pod) => unknown, unknown][] = [
    ['restartPolicy defaults to Always', {}, (p) => p.spec?.restartPolicy, 'Always'],
    ['terminationGracePeriodSeconds defaults to 30', {}, (p) => p.spec?.terminationGracePeriodSeconds, 30],
    ['dnsPolicy defaults to ClusterFirst', {}, (p) => p.spec?.dnsPolicy, 'ClusterFirst'],
    ['schedulerName defaults to default-scheduler', {}, (p) => p.spec?.schedulerName, 'default-scheduler'],
    ['securityContext defaults to an empty object', {}, (p) => p.spec?.securityContext, {}],
    ['enableServiceLinks defaults to true', {}, (p) => p.spec?.enableServiceLinks, true],
    ['priority is 0 without a priorityClassName', {}, (p) => p.spec?.priority, 0],
    ['preemptionPolicy is PreemptLowerPriority without a class', {}, (p) => p.spec?.preemptionPolicy, 'PreemptLowerPriority'],
    ['priority is left to admission when a priorityClassName is set', { spec: { priorityClassName: 'high' } }, (p) => p.spec?.priority, undefined],
    ['an image tagged :latest is always pulled', { spec: { containers: [{ name: 'a', image: 'nginx:latest' }] } }, (p) => c0(p).imagePullPolicy, 'Always'],
    ['an untagged image is always pulled', { spec: { containers: [{ name: 'a', image: 'reg.io:5000/nginx' }] } }, (p) => c0(p).imagePullPolicy, 'Always'],
    ['a tagged image is pulled if not present', { spec: { containers: [{ name: 'a', image: 'nginx:1.27' }] } }, (p) => c0(p).imagePullPolicy, 'IfNotPresent'],
    ['an image by digest is pulled if not present', { spec: { containers: [{ name: 'a', image: 'nginx@sha256:abcd' }] } }, (p) => c0(p).imagePullPolicy, 'IfNotPresent'],
    ['a given imagePullPolicy is kept', { spec: { containers: [{ name: 'a', image: 'nginx', imagePullPolicy: 'Never' }] } }, (p) => c0(p).imagePullPolicy, 'Never'],
    ['terminationMessagePath defaults to /dev/termination-log', {}, (p) => c0(p).terminationMessagePath, '/dev/termination-log'],
    ['terminationMessagePolicy defaults to File', {}, (p) => c0(p).terminationMessagePolicy, 'File'],
    ['container ports default to TCP', { spec: { containers: [{ name: 'a', image: 'x:1', ports: [{ containerPort: 80 }] }] } }, (p) => c0(p).ports?.[0]?.protocol, 'TCP'],
    ['with hostNetwork, hostPort defaults to containerPort', { spec: { hostNetwork: true, containers: [{ name: 'a', image: 'x:1', ports: [{ containerPort: 80 }] }] } }, (p) => c0(p).ports?.[0]?.hostPort, 80],
    [
      'probes get timeout 1, period 10, success 1 and failure 3',
      { spec: { containers: [{ name: 'a', image: 'x:1', livenessProbe: { exec: { command: ['true'] } } }] } },
      (p) => { const { timeoutSeconds, periodSeconds, successThreshold, failureThreshold } = c0(p).livenessProbe!; return { timeoutSeconds, periodSeconds, successThreshold, failureThreshold }; },
      { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
    ],
    ['httpGet probes default to path / and scheme HTTP', { spec: { containers: [{ name: 'a', image: 'x:1', readinessProbe: { httpGet: { port: 80 } } }] } }, (p) => c0(p).readinessProbe?.httpGet, { port: 80, path: '/', scheme: 'HTTP' }],
    ['requests default to limits', { spec: { containers: [{ name: 'a', image: 'x:1', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } }, (p) => c0(p).resources?.requests, { cpu: '1', memory: '1Gi' }],
    [
      'existing requests are not replaced by limits',
      { spec: { containers: [{ name: 'a', image: 'x:1', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '100m' } } }] } },
      (p) => c0(p).resources?.requests, { cpu: '100m', memory: '1Gi' },
    ],
    ['a volume without a source becomes an emptyDir', { spec: { volumes: [{ name: 'v' }] } }, (p) => p.spec?.volumes?.[0]?.emptyDir, {}],
    ['secret volumes default to mode 0644', { spec: { volumes: [{ name: 'v', secret: { secretName: 's' } }] } }, (p) => p.spec?.volumes?.[0]?.secret?.defaultMode, 420],
    ['env fieldRefs default to apiVersion v1', { spec: { containers: [{ name: 'a', image: 'x:1', env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] } }, (p) => c0(p).env?.[0]?.valueFrom?.fieldRef?.apiVersion, 'v1'],
    ['serviceAccount mirrors serviceAccountName', { spec: { serviceAccountName: 'robot' } }, (p) => p.spec?.serviceAccount, 'robot'],
    ['the deprecated serviceAccount fills serviceAccountName', { spec: { serviceAccount: 'robot' } }, (p) => p.spec?.serviceAccountName, 'robot'],
  ];
  it.each(cases)('%s', (_name, over, get, want) => {
    expect(get(defaulted(over))).toEqual(want);
  });

  it('does not add the not-ready/unreachable tolerations (that is admission)', () => {
    expect(defaulted().spec?.tolerations).toBeUndefined();
  });
});

describe('addDefaultTolerations', () => {
  it('adds NoExecute tolerations for not-ready and unreachable nodes for 300 s', () => {
    const p = makePod();
    addDefaultTolerations(p);
    expect(p.spec?.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });
  it('keeps a pod\'s own toleration for the same taint', () => {
    const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 };
    const p = makePod({ spec: { tolerations: [own] } });
    addDefaultTolerations(p);
    expect(p.spec?.tolerations?.filter((t) => t.key === 'node.kubernetes.io/unreachable')).toEqual([own]);
    expect(p.spec?.tolerations).toHaveLength(2);
  });
  it('adds nothing when the pod tolerates everything', () => {
    const p = makePod({ spec: { tolerations: [{ operator: 'Exists' }] } });
    addDefaultTolerations(p);
    expect(p.spec?.tolerations).toHaveLength(1);
  });
});

const expectCause = (causes: StatusCause[], want: StatusCause): void => {
  expect(causes).toContainEqual(expect.objectContaining(want));
};

describe('pod validation', () => {
  it('accepts a minimal pod', () => {
    expect(podKind.validate(defaulted())).toEqual([]);
  });

  const ct = (extra: Record<string, unknown>) => ({ spec: { containers: [{ name: 'a', image: 'x:1', ...extra }] } }) as Over;
  const cases: [string, Over, StatusCause][] = [
    ['a pod needs at least one container', { spec: { containers: [] } }, { field: 'spec.containers', reason: 'FieldValueRequired', message: 'Required value' }],
    ['a container needs a name', { spec: { containers: [{ name: '', image: 'x:1' }] } }, { field: 'spec.containers[0].name', reason: 'FieldValueRequired' }],
    ['container names are DNS labels', { spec: { containers: [{ name: 'Web_1', image: 'x:1' }] } }, { field: 'spec.containers[0].name', reason: 'FieldValueInvalid' }],
    ['container names are unique', { spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'a', image: 'y:1' }] } }, { field: 'spec.containers[1].name', reason: 'FieldValueDuplicate', message: 'Duplicate value: "a"' }],
    ['init and app container names are unique together', { spec: { initContainers: [{ name: 'app', image: 'x:1' }] } }, { field: 'spec.initContainers[0].name', reason: 'FieldValueDuplicate' }],
    ['a container needs an image', { spec: { containers: [{ name: 'a' }] } }, { field: 'spec.containers[0].image', reason: 'FieldValueRequired', message: 'Required value' }],
    ['restartPolicy is one of Always, OnFailure, Never', { spec: { restartPolicy: 'Sometimes' } },
      { field: 'spec.restartPolicy', reason: 'FieldValueNotSupported', message: 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"' }],
    ['dnsPolicy must be known', { spec: { dnsPolicy: 'Cluster' } }, { field: 'spec.dnsPolicy', reason: 'FieldValueNotSupported' }],
    ['imagePullPolicy must be known', ct({ imagePullPolicy: 'Sometimes' }), { field: 'spec.containers[0].imagePullPolicy', reason: 'FieldValueNotSupported' }],
    ['containerPort is required', ct({ ports: [{ containerPort: 0 }] }), { field: 'spec.containers[0].ports[0].containerPort', reason: 'FieldValueRequired' }],
    ['containerPort is at most 65535', ct({ ports: [{ containerPort: 70000 }] }),
      { field: 'spec.containers[0].ports[0].containerPort', reason: 'FieldValueInvalid', message: 'Invalid value: 70000: must be between 1 and 65535, inclusive' }],
    ['port protocol must be TCP, UDP or SCTP', ct({ ports: [{ containerPort: 80, protocol: 'HTTP' }] }), { field: 'spec.containers[0].ports[0].protocol', reason: 'FieldValueNotSupported' }],
    ['requests may not exceed limits', ct({ resources: { limits: { cpu: '1' }, requests: { cpu: '2' } } }),
      { field: 'spec.containers[0].resources.requests[cpu]', reason: 'FieldValueInvalid', message: 'Invalid value: "2": must be less than or equal to cpu limit of 1' }],
    ['quantities must parse', ct({ resources: { limits: { memory: 'lots' } } }), { field: 'spec.containers[0].resources.limits[memory]', reason: 'FieldValueInvalid' }],
    ['a probe needs a handler', ct({ livenessProbe: { periodSeconds: 5 } }), { field: 'spec.containers[0].livenessProbe', reason: 'FieldValueRequired', message: 'Required value: must specify a handler type' }],
    ['a probe has only one handler', ct({ livenessProbe: { exec: { command: ['a'] }, tcpSocket: { port: 80 } } }), { field: 'spec.containers[0].livenessProbe.tcpSocket', reason: 'FieldValueForbidden' }],
    ['liveness probes need successThreshold 1', ct({ livenessProbe: { exec: { command: ['a'] }, successThreshold: 2 } }),
      { field: 'spec.containers[0].livenessProbe.successThreshold', message: 'Invalid value: 2: must be 1' }],
    ['probe periods are non-negative', ct({ readinessProbe: { exec: { command: ['a'] }, periodSeconds: -1 } }),
      { field: 'spec.containers[0].readinessProbe.periodSeconds', message: 'Invalid value: -1: must be greater than or equal to 0' }],
    ['mounts must name a pod volume', ct({ volumeMounts: [{ name: 'data', mountPath: '/d' }] }), { field: 'spec.containers[0].volumeMounts[0].name', reason: 'FieldValueNotFound', message: 'Not found: "data"' }],
    ['volume names are unique', { spec: { volumes: [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }] } }, { field: 'spec.volumes[1].name', reason: 'FieldValueDuplicate' }],
    ['a volume has one source', { spec: { volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }] } }, { field: 'spec.volumes[0].hostPath', reason: 'FieldValueForbidden' }],
    ['env vars need a name', ct({ env: [{ name: '', value: 'x' }] }), { field: 'spec.containers[0].env[0].name', reason: 'FieldValueRequired' }],
    ['env vars take value or valueFrom, not both', ct({ env: [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }), { field: 'spec.containers[0].env[0].valueFrom', reason: 'FieldValueInvalid' }],
    ['plain init containers may not have probes', { spec: { initContainers: [{ name: 'init', image: 'x:1', readinessProbe: { exec: { command: ['a'] } } }] } }, { field: 'spec.initContainers[0].readinessProbe', reason: 'FieldValueForbidden' }],
    ['a toleration with operator Exists has no value', { spec: { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] } }, { field: 'spec.tolerations[0].operator', reason: 'FieldValueInvalid' }],
    ['a toleration without a key must use Exists', { spec: { tolerations: [{ operator: 'Equal', value: 'v' }] } }, { field: 'spec.tolerations[0].operator', reason: 'FieldValueInvalid' }],
    ['tolerationSeconds needs effect NoExecute', { spec: { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] } },
      { field: 'spec.tolerations[0].effect', message: "Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set" }],
    ['toleration effects must be known', { spec: { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoRun' }] } }, { field: 'spec.tolerations[0].effect', reason: 'FieldValueNotSupported' }],
    ['required node affinity needs a term', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } } },
      { field: 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms', reason: 'FieldValueRequired' }],
    ['node selector operators must be known',
      { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Is', values: ['a'] }] }] } } } } },
      { field: 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator', reason: 'FieldValueNotSupported' }],
    ['preferred terms weigh 1 to 100',
      { spec: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { topologyKey: 'zone' } }] } } } },
      { field: 'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight', message: 'Invalid value: 0: must be in the range 1-100' }],
    ['pod affinity terms need a topologyKey', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '' }] } } } },
      { field: 'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey', reason: 'FieldValueRequired' }],
    ['topology spread maxSkew is positive', { spec: { topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] } },
      { field: 'spec.topologySpreadConstraints[0].maxSkew', message: 'Invalid value: 0: must be greater than zero' }],
    ['whenUnsatisfiable must be known', { spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'Never' }] } },
      { field: 'spec.topologySpreadConstraints[0].whenUnsatisfiable', reason: 'FieldValueNotSupported' }],
    ['activeDeadlineSeconds is at least 1', { spec: { activeDeadlineSeconds: 0 } }, { field: 'spec.activeDeadlineSeconds', reason: 'FieldValueInvalid' }],
    ['nodeSelector values must be label values', { spec: { nodeSelector: { zone: 'a b' } } }, { field: 'spec.nodeSelector', reason: 'FieldValueInvalid' }],
    ['pod names are DNS subdomains', { metadata: { name: 'Web' } }, { field: 'metadata.name', reason: 'FieldValueInvalid' }],
    ['pods need a namespace', { metadata: { namespace: '' } }, { field: 'metadata.namespace', reason: 'FieldValueRequired' }],
    ['label keys must be qualified names', { metadata: { labels: { 'a/b/c': 'x' } } }, { field: 'metadata.labels', reason: 'FieldValueInvalid' }],
    ['annotation keys must be qualified names', { metadata: { annotations: { '-bad': 'x' } } }, { field: 'metadata.annotations', reason: 'FieldValueInvalid' }],
    ['only one owner may be the controller',
      { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true }, { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true }] } },
      { field: 'metadata.ownerReferences', reason: 'FieldValueInvalid' }],
    ['status.phase must be known', { status: { phase: 'Sleeping' } }, { field: 'status.phase', reason: 'FieldValueNotSupported' }],
  ];
  it.each(cases)('%s', (_name, over, want) => {
    expectCause(podKind.validate(defaulted(over)), want);
  });
});

describe('pod update validation', () => {
  const base = (): Pod => defaulted({ spec: { tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }], schedulingGates: [{ name: 'g' }] } });
  const allowed: [string, (p: Pod) => void][] = [
    ['changing a container image is allowed', (p) => { c0(p).image = 'nginx:2'; }],
    ['setting activeDeadlineSeconds is allowed', (p) => { p.spec!.activeDeadlineSeconds = 100; }],
    ['adding a toleration is allowed', (p) => { p.spec!.tolerations!.push({ key: 'x', operator: 'Exists' }); }],
    ['shortening a tolerationSeconds is allowed', (p) => { p.spec!.tolerations![0]!.tolerationSeconds = 10; }],
    ['removing a scheduling gate is allowed', (p) => { delete p.spec!.schedulingGates; }],
    ['changing labels is allowed', (p) => { p.metadata.labels = { a: 'b' }; }],
  ];
  it.each(allowed)('%s', (_name, change) => {
    const old = base();
    const next = structuredClone(old);
    change(next);
    expect(podKind.validateUpdate(next, old)).toEqual([]);
  });

  const rejected: [string, (p: Pod) => void, StatusCause][] = [
    ['changing the ports is forbidden', (p) => { c0(p).ports = [{ containerPort: 81, protocol: 'TCP' }]; }, { field: 'spec', reason: 'FieldValueForbidden' }],
    ['setting nodeName by update is forbidden', (p) => { p.spec!.nodeName = 'n1'; }, { field: 'spec', reason: 'FieldValueForbidden' }],
    ['removing a toleration is forbidden', (p) => { p.spec!.tolerations = []; }, { field: 'spec.tolerations', reason: 'FieldValueForbidden' }],
    ['adding a scheduling gate is forbidden', (p) => { p.spec!.schedulingGates!.push({ name: 'h' }); }, { field: 'spec.schedulingGates', reason: 'FieldValueForbidden' }],
    ['renaming is forbidden', (p) => { p.metadata.name = 'other'; }, { field: 'metadata.name', message: 'Invalid value: "other": field is immutable' }],
  ];
  it.each(rejected)('%s', (_name, change, want) => {
    const old = base();
    const next = structuredClone(old);
    change(next);
    expectCause(podKind.validateUpdate(next, old), want);
  });

  it('says which fields may change when the spec changes', () => {
    const old = base();
    const next = structuredClone(old);
    next.spec!.hostNetwork = true;
    const cause = podKind.validateUpdate(next, old).find((c) => c.field === 'spec');
    expect(cause?.message).toMatch(/^Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  });

  it('activeDeadlineSeconds may only shrink and never be removed', () => {
    const old = defaulted({ spec: { activeDeadlineSeconds: 100 } });
    const longer = structuredClone(old);
    longer.spec!.activeDeadlineSeconds = 200;
    expectCause(podKind.validateUpdate(longer, old), { field: 'spec.activeDeadlineSeconds', message: 'Invalid value: 200: must be less than or equal to previous value' });
    const removed = structuredClone(old);
    delete removed.spec!.activeDeadlineSeconds;
    expectCause(podKind.validateUpdate(removed, old), { field: 'spec.activeDeadlineSeconds', reason: 'FieldValueInvalid' });
  });
});

describe('pod selectable fields', () => {
  it('lists the fields Kubernetes lets field selectors test', () => {
    const p = defaulted({ spec: { nodeName: 'n1', serviceAccountName: 'sa' }, status: { phase: 'Running', podIP: '10.0.0.5', nominatedNodeName: 'n2' } });
    expect(podKind.selectableFields(p)).toEqual({
      'spec.nodeName': 'n1',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': 'sa',
      'spec.hostNetwork': 'false',
      'status.phase': 'Running',
      'status.podIP': '10.0.0.5',
      'status.nominatedNodeName': 'n2',
    });
  });
});
