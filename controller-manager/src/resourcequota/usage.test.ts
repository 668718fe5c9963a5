import { describe, expect, it } from 'vitest';
import { computeQuotaUsed, podAmount, podIsCharged } from '@kubesim/shared';
import type { Pod, ResourceQuota } from '@kubesim/shared';
import { desiredQuotaStatus } from './controller.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');

type Res = { requests?: Record<string, string>; limits?: Record<string, string> };
function pod(name: string, containers: Res[], extra: { phase?: string; init?: Array<Res & { restartPolicy?: string }>; priorityClassName?: string; activeDeadlineSeconds?: number } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: containers.map((resources, i) => ({ name: `c${i}`, image: 'nginx', resources })),
      ...(extra.init ? { initContainers: extra.init.map(({ restartPolicy, ...resources }, i) => ({ name: `i${i}`, image: 'busybox', resources, ...(restartPolicy ? { restartPolicy } : {}) })) } : {}),
      ...(extra.priorityClassName ? { priorityClassName: extra.priorityClassName } : {}),
      ...(extra.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: extra.activeDeadlineSeconds } : {}),
    },
    status: { phase: extra.phase ?? 'Running' },
  } as Pod;
}

function quota(hard: Record<string, string>, spec: Partial<NonNullable<ResourceQuota['spec']>> = {}): ResourceQuota {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'default' }, spec: { hard, ...spec } } as ResourceQuota;
}

describe('pod usage for quotas', () => {
  it('adds container requests, and takes the larger of that and any init container', () => {
    const p = pod('web', [{ requests: { cpu: '100m' } }, { requests: { cpu: '200m' } }], { init: [{ requests: { cpu: '500m' } }] });
    expect(podAmount(p, 'requests', 'cpu').toString()).toBe('500m');
    const small = pod('web', [{ requests: { cpu: '100m' } }, { requests: { cpu: '200m' } }], { init: [{ requests: { cpu: '250m' } }] });
    expect(podAmount(small, 'requests', 'cpu').toString()).toBe('300m');
  });

  it('adds sidecars (restartPolicy Always init containers) to the containers', () => {
    const p = pod('web', [{ requests: { memory: '128Mi' } }], { init: [{ requests: { memory: '64Mi' }, restartPolicy: 'Always' }] });
    expect(podAmount(p, 'requests', 'memory').toString()).toBe('192Mi');
  });

  it('charges running and pending pods, not finished ones', () => {
    expect(podIsCharged(pod('a', []), NOW)).toBe(true);
    expect(podIsCharged(pod('a', [], { phase: 'Pending' }), NOW)).toBe(true);
    expect(podIsCharged(pod('a', [], { phase: 'Succeeded' }), NOW)).toBe(false);
    expect(podIsCharged(pod('a', [], { phase: 'Failed' }), NOW)).toBe(false);
  });

  it('stops charging a deleted pod once its grace period is over', () => {
    const deleting = pod('a', []);
    deleting.metadata.deletionTimestamp = '2024-05-01T11:59:30Z';
    deleting.metadata.deletionGracePeriodSeconds = 10;
    expect(podIsCharged(deleting, NOW)).toBe(false);
    deleting.metadata.deletionGracePeriodSeconds = 60;
    expect(podIsCharged(deleting, NOW)).toBe(true);
  });
});

describe('computeQuotaUsed', () => {
  const pods = [
    pod('a', [{ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }], { priorityClassName: 'high' }),
    pod('b', [{ requests: { cpu: '1', memory: '1Gi' } }], { activeDeadlineSeconds: 60 }),
    pod('c', []),
    pod('done', [{ requests: { cpu: '4' } }], { phase: 'Succeeded' }),
  ];

  it('counts pods and sums requests and limits of the resources in spec.hard', () => {
    const q = quota({ pods: '10', 'requests.cpu': '4', memory: '4Gi', 'limits.cpu': '2', 'limits.memory': '1Gi' });
    expect(computeQuotaUsed(q, pods, NOW)).toEqual({ pods: '3', 'requests.cpu': '1250m', memory: '1088Mi', 'limits.cpu': '500m', 'limits.memory': '128Mi' });
  });

  it('leaves out what kubesim does not evaluate', () => {
    expect(computeQuotaUsed(quota({ services: '5', 'count/deployments.apps': '2', pods: '5' }), pods, NOW)).toEqual({ pods: '3' });
  });

  it.each([
    [{ scopes: ['BestEffort'] }, '1'],
    [{ scopes: ['NotBestEffort'] }, '2'],
    [{ scopes: ['Terminating'] }, '1'],
    [{ scopes: ['NotTerminating', 'NotBestEffort'] }, '1'],
    [{ scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }, '1'],
    [{ scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'DoesNotExist' }] } }, '2'],
  ])('counts only the pods in the quota scopes %j', (spec, count) => {
    expect(computeQuotaUsed(quota({ pods: '10' }, spec as never), pods, NOW)).toEqual({ pods: count });
  });

  it('gives the status the controller writes: hard from spec, used from the pods', () => {
    expect(desiredQuotaStatus(quota({ pods: '10' }), pods, NOW)).toEqual({ hard: { pods: '10' }, used: { pods: '3' } });
    expect(desiredQuotaStatus(quota({}), pods, NOW)).toEqual({});
  });
});
