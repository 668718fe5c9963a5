// Workloads for generated clusters: Deployments with rollout parameters (replicas, maxSurge
// and maxUnavailable as counts or percentages, Recreate, minReadySeconds, pod behaviour),
// template changes that start a rollout, Jobs (completions, parallelism, backoff, Indexed,
// pods that succeed or fail after a while), DaemonSets (placement, update strategy) and
// StatefulSets (replicas, pod management policy, partitioned rolling updates).
// Every manifest is plain JSON; apply it with `sim.apply(obj)`.

import fc from 'fast-check';
import type { DaemonSet, Deployment, IntOrString, Job, PodSpec, PodTemplateSpec, StatefulSet } from '@kubesim/shared';
import { podBehaviourArb, withBehaviour } from './behaviour.ts';
import type { PodBehaviour, PodBehaviourOptions } from './behaviour.ts';
import { nodeSelectorArb, podSpecArb, tolerationArb } from './pods.ts';
import type { PodSpecOptions } from './pods.ts';

export interface Range {
  min?: number;
  max?: number;
}

const intIn = (r: Range | undefined, min: number, max: number): fc.Arbitrary<number> => fc.integer({ min: r?.min ?? min, max: r?.max ?? max });

/** `2` or `25%`: rollout bounds as users write them */
export function intOrPercentArb(maxInt = 3, percents: readonly string[] = ['0%', '10%', '25%', '50%', '100%']): fc.Arbitrary<IntOrString> {
  return fc.oneof(fc.integer({ min: 0, max: maxInt }), fc.constantFrom(...percents));
}

const isZero = (v: IntOrString): boolean => v === 0 || v === '0%';

/** a plain spec for workloads: small requests, no placement constraints unless asked */
const WORKLOAD_SPEC: PodSpecOptions = { nodeSelector: false, nodeAffinity: false, tolerations: false, cpuMillis: [0, 50, 100, 200], memoryMi: [0, 64, 128] };

function template(app: string, spec: PodSpec, behaviour: PodBehaviour | undefined, image?: string): PodTemplateSpec {
  const t: PodTemplateSpec = {
    metadata: { labels: { app } },
    spec: { ...spec, containers: spec.containers.map((c) => ({ ...c, ...(image ? { image } : {}) })) },
  };
  return behaviour ? withBehaviour(t, behaviour) : t;
}

export interface DeploymentOptions {
  name?: string;
  replicas?: Range;
  /** allow strategy Recreate (default false) */
  recreate?: boolean;
  /** max minReadySeconds (default 5) */
  minReadySeconds?: number;
  spec?: PodSpecOptions;
  behaviour?: PodBehaviourOptions;
}

export function deploymentArb(o: DeploymentOptions = {}): fc.Arbitrary<Deployment> {
  const name = o.name ?? 'web';
  return fc
    .record({
      replicas: intIn(o.replicas, 1, 6),
      recreate: o.recreate ? fc.boolean() : fc.constant(false),
      maxSurge: intOrPercentArb(),
      maxUnavailable: intOrPercentArb(),
      minReadySeconds: fc.integer({ min: 0, max: o.minReadySeconds ?? 5 }),
      spec: podSpecArb({ ...WORKLOAD_SPEC, ...o.spec }),
      behaviour: podBehaviourArb(o.behaviour),
    })
    .map((r) => {
      const maxSurge = isZero(r.maxSurge) && isZero(r.maxUnavailable) ? 1 : r.maxSurge;
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'default' },
        spec: {
          replicas: r.replicas,
          selector: { matchLabels: { app: name } },
          minReadySeconds: r.minReadySeconds,
          strategy: r.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable: r.maxUnavailable } },
          template: template(name, r.spec, r.behaviour, 'nginx:1.0'),
        },
      } as Deployment;
    });
}

/** a new image and new behaviour for a Deployment's template: a rollout */
export interface TemplateChange {
  image: string;
  behaviour: PodBehaviour;
}

export function templateChangeArb(o: { behaviour?: PodBehaviourOptions } = {}): fc.Arbitrary<TemplateChange> {
  return fc.record({ image: fc.integer({ min: 1, max: 99 }).map((n) => `nginx:2.${n}`), behaviour: podBehaviourArb(o.behaviour) });
}

/** the Deployment with its template changed (annotations replaced, image set) */
export function applyTemplateChange(d: Deployment, change: TemplateChange): Deployment {
  const t = d.spec.template;
  const plain: PodTemplateSpec = {
    ...t,
    metadata: { ...t.metadata, annotations: {} },
    spec: { ...t.spec!, containers: t.spec!.containers.map(({ readinessProbe: _drop, ...c }) => ({ ...c, image: change.image })) },
  };
  return { ...d, spec: { ...d.spec, template: withBehaviour(plain, change.behaviour) } };
}

export interface JobOptions {
  name?: string;
  completions?: Range;
  parallelism?: Range;
  /** allow pods that exit non-zero (default true) */
  failures?: boolean;
  /** max seconds a pod runs (default 20) */
  runSeconds?: number;
}

export function jobArb(o: JobOptions = {}): fc.Arbitrary<Job> {
  const name = o.name ?? 'batch';
  return fc
    .record({
      completions: fc.option(intIn(o.completions, 1, 5), { nil: undefined, freq: 4 }),
      parallelism: intIn(o.parallelism, 1, 3),
      backoffLimit: fc.integer({ min: 0, max: 4 }),
      indexed: fc.boolean(),
      restartPolicy: fc.constantFrom('Never', 'OnFailure'),
      seconds: fc.integer({ min: 1, max: o.runSeconds ?? 20 }),
      exitCode: o.failures === false ? fc.constant(0) : fc.constantFrom(0, 0, 0, 1),
      startDelay: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      cpu: fc.constantFrom(0, 100, 250),
    })
    .map((r) => {
      const indexed = r.indexed && r.completions !== undefined;
      return {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: 'default' },
        spec: {
          ...(r.completions !== undefined ? { completions: r.completions } : {}),
          parallelism: r.parallelism,
          backoffLimit: r.backoffLimit,
          ...(indexed ? { completionMode: 'Indexed' } : {}),
          template: {
            metadata: { ...(r.startDelay !== undefined ? { annotations: { 'kubesim.io/start-delay': `${r.startDelay}s` } } : {}) },
            spec: {
              restartPolicy: r.restartPolicy,
              containers: [
                {
                  name: 'work',
                  image: 'busybox',
                  command: ['sh', '-c', `sleep ${r.seconds}; exit ${r.exitCode}`],
                  ...(r.cpu ? { resources: { requests: { cpu: `${r.cpu}m` } } } : {}),
                },
              ],
            },
          },
        },
      } as Job;
    });
}

export interface DaemonSetOptions {
  name?: string;
  /** nodeSelector / tolerations from the vocabulary (default true) */
  placement?: boolean;
  behaviour?: PodBehaviourOptions;
}

export function daemonSetArb(o: DaemonSetOptions = {}): fc.Arbitrary<DaemonSet> {
  const name = o.name ?? 'agent';
  return fc
    .record({
      nodeSelector: o.placement === false ? fc.constant(undefined) : fc.option(nodeSelectorArb(), { nil: undefined }),
      tolerations: o.placement === false ? fc.constant([]) : fc.array(tolerationArb(), { maxLength: 2 }),
      surge: fc.boolean(),
      maxUnavailable: fc.integer({ min: 1, max: 2 }),
      behaviour: podBehaviourArb(o.behaviour ?? { readyAfter: 5, startDelay: 3, stopDelay: 2, imagePull: false }),
    })
    .map((r) => {
      const spec: PodSpec = {
        containers: [{ name: 'agent', image: 'busybox', command: ['sh', '-c', 'sleep infinity'], resources: { requests: { cpu: '10m' } } }],
        ...(r.nodeSelector ? { nodeSelector: r.nodeSelector } : {}),
        ...(r.tolerations.length ? { tolerations: r.tolerations } : {}),
      } as PodSpec;
      return {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name, namespace: 'default' },
        spec: {
          selector: { matchLabels: { app: name } },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: r.surge ? { maxSurge: 1, maxUnavailable: 0 } : { maxUnavailable: r.maxUnavailable } },
          template: template(name, spec, r.behaviour),
        },
      } as DaemonSet;
    });
}

export interface StatefulSetOptions {
  name?: string;
  replicas?: Range;
  behaviour?: PodBehaviourOptions;
}

export function statefulSetArb(o: StatefulSetOptions = {}): fc.Arbitrary<StatefulSet> {
  const name = o.name ?? 'db';
  return fc
    .record({
      replicas: intIn(o.replicas, 1, 5),
      parallel: fc.boolean(),
      partition: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined, freq: 3 }),
      minReadySeconds: fc.constantFrom(0, 0, 3),
      behaviour: podBehaviourArb(o.behaviour ?? { readyAfter: 10, startDelay: 5, stopDelay: 3, imagePull: false }),
    })
    .map(
      (r) =>
        ({
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name, namespace: 'default' },
          spec: {
            replicas: r.replicas,
            serviceName: name,
            selector: { matchLabels: { app: name } },
            podManagementPolicy: r.parallel ? 'Parallel' : 'OrderedReady',
            minReadySeconds: r.minReadySeconds,
            updateStrategy: { type: 'RollingUpdate', ...(r.partition !== undefined ? { rollingUpdate: { partition: r.partition } } : {}) },
            template: template(name, { containers: [{ name: 'db', image: 'redis:7', resources: { requests: { cpu: '50m' } } }] } as PodSpec, r.behaviour),
          },
        }) as StatefulSet,
    );
}
