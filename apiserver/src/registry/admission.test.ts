// Admission on create and update through the Registry: Priority, DefaultTolerationSeconds,
// ServiceAccount defaulting, Service allocations kept on update, and PriorityClass rules.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isForbidden, resources } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import { makePod, makeRegistry } from '../test-helpers.ts';
import type { Registry } from './registry.ts';

let registry: Registry;
beforeEach(async () => {
  registry = await makeRegistry();
});
afterEach(async () => {
  await registry.stop();
});

type PodSpec = { priorityClassName?: string; priority?: number; preemptionPolicy?: string; serviceAccountName?: string; tolerations?: Array<Record<string, unknown>> };
const specOf = (o: KubeObject): PodSpec => (o as KubeObject & { spec: PodSpec }).spec;
const withSpec = (pod: KubeObject, spec: PodSpec): KubeObject => ({ ...pod, spec: { ...specOf(pod), ...spec } }) as KubeObject;

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('Priority admission', () => {
  it('gives a pod without a class priority 0, and the value of the class it names', async () => {
    const plain = await registry.create(resources.pods, makePod('plain'));
    expect([specOf(plain).priority, specOf(plain).priorityClassName]).toEqual([0, undefined]);
    const critical = await registry.create(resources.pods, withSpec(makePod('critical'), { priorityClassName: 'system-cluster-critical' }));
    expect([specOf(critical).priority, specOf(critical).preemptionPolicy]).toEqual([2000000000, 'PreemptLowerPriority']);
  });

  it('applies the globalDefault class to pods without one, with its preemption policy', async () => {
    await registry.create(resources.priorityclasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: -10, globalDefault: true, preemptionPolicy: 'Never' } as KubeObject);
    const pod = await registry.create(resources.pods, makePod('p'));
    expect([specOf(pod).priorityClassName, specOf(pod).priority, specOf(pod).preemptionPolicy]).toEqual(['low', -10, 'Never']);
  });

  it('refuses a missing class and a priority that contradicts the class, naming generated pods by their prefix', async () => {
    const missing = await rejection(registry.create(resources.pods, withSpec({ ...makePod(''), metadata: { generateName: 'web-', namespace: 'default' } }, { priorityClassName: 'gold' })));
    expect(isForbidden(missing)).toBe(true);
    expect(missing.message).toBe('pods "web-" is forbidden: no PriorityClass with name gold was found');
    const contradiction = await rejection(registry.create(resources.pods, withSpec(makePod('p'), { priorityClassName: 'system-node-critical', priority: 5 })));
    expect(contradiction.message).toBe('pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 2000001000 from the given PriorityClass name');
  });

  it('keeps the priority admission set when an update leaves it out', async () => {
    const pod = await registry.create(resources.pods, withSpec(makePod('p'), { priorityClassName: 'system-node-critical' }));
    const spec = { ...specOf(pod) };
    delete spec.priority;
    delete spec.preemptionPolicy;
    const labelled = { ...pod, metadata: { ...pod.metadata, labels: { a: 'b' } }, spec } as KubeObject;
    const out = await registry.update(resources.pods, labelled);
    expect(specOf(out.object).priority).toBe(2000001000);
  });

  it('allows one globalDefault PriorityClass only', async () => {
    const pc = (name: string) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value: 1, globalDefault: true }) as KubeObject;
    await registry.create(resources.priorityclasses, pc('a'));
    const err = await rejection(registry.create(resources.priorityclasses, pc('b')));
    expect(err.message).toBe('priorityclasses.scheduling.k8s.io "b" is forbidden: PriorityClass a is already marked as default. Only one default can exist');
  });
});

describe('pod admission', () => {
  it('adds the not-ready/unreachable tolerations and the default service account', async () => {
    const pod = await registry.create(resources.pods, makePod('p'));
    expect(specOf(pod).serviceAccountName).toBe('default');
    expect(specOf(pod).tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });
});

describe('namespaces', () => {
  it('come with a default ServiceAccount', async () => {
    await registry.create(resources.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    const sa = await registry.get(resources.serviceaccounts, 'default', { namespace: 'team' });
    expect(sa.metadata.uid).toBeDefined();
  });
});

describe('Job creation', () => {
  it('generates the selector and pod labels from the uid unless manualSelector', async () => {
    const job = (await registry.create(resources.jobs, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once', namespace: 'default' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    } as KubeObject)) as KubeObject & { spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } } };
    const uid = job.metadata.uid!;
    expect(job.spec.selector.matchLabels).toEqual({ 'batch.kubernetes.io/controller-uid': uid });
    expect(job.spec.template.metadata.labels).toMatchObject({ 'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid, 'batch.kubernetes.io/job-name': 'once', 'job-name': 'once' });
  });
});

describe('Service updates', () => {
  it('keep the allocated clusterIP and nodePorts a client leaves out', async () => {
    const svc = (await registry.create(resources.services, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] },
    } as KubeObject)) as KubeObject & { spec: { clusterIP: string; ports: Array<{ nodePort: number }> } };
    const put = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'NodePort', selector: { app: 'web2' }, ports: [{ port: 80 }] } } as KubeObject;
    const out = (await registry.update(resources.services, put)).object as typeof svc;
    expect([out.spec.clusterIP, out.spec.ports[0]!.nodePort]).toEqual([svc.spec.clusterIP, svc.spec.ports[0]!.nodePort]);
  });
});
