// Shrunk counterexamples the property suites found, kept as plain tests. A test marked
// `.fails` documents a bug still open in another component: it passes while the bug is
// there, and starts failing (flip it to a plain `it`) once the bug is fixed.

import { describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { CronJob } from '@kubesim/shared';
import {
  applyTemplateChange,
  checkInvariants,
  eventually,
  noNodeOvercommitted,
  rolloutBounds,
  jobCounts,
  jobIncomplete,
  jobPods,
  rolloutIncomplete,
  runFaultSchedule,
  scheduledPodsRespectFilters,
  spreadViolation,
  statefulSetIncomplete,
  statefulSetOrdering,
  withSimulation,
} from '../src/index.ts';
import type { DaemonSet, Deployment, Job, KubeObject, Pod, StatefulSet } from '../src/types.ts';

const daemonSet: DaemonSet = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox', command: ['sh', '-c', 'sleep infinity'] }] } },
  },
} as DaemonSet;

describe('regressions found by the property suites', () => {
  // daemonset.test.ts, seed 0, first run: every DaemonSet create was rejected with
  // "status.currentNumberScheduled: Required value, …" (the apiserver reset status to {}).
  it('accepts a DaemonSet created without a status', async () => {
    await withSimulation({ seed: 0, nodes: 1, events: false, components: { scheduler: false, 'controller-manager': false } }, async (sim) => {
      const [created] = await sim.apply(daemonSet);
      expect((created as DaemonSet).status).toMatchObject({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
    });
  });

  // daemonset.test.ts, shrunk: one node pool of one node, then `sim.nodes.add()`: the daemon
  // pod bound to the new node stayed Pending forever: kubelet-sim watched pods with the field
  // selector spec.nodeName=<its only node> when it started with one node (fixed: it always
  // watches every bound pod and filters to its nodes in code).
  it('runs pods on a node added to a kubelet-sim that started with one node', async () => {
    await withSimulation({ seed: 1, nodes: 1, events: false, components: { 'controller-manager': false } }, async (sim) => {
      const name = await sim.nodes.add('extra-0');
      await sim.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeSelector: { 'kubernetes.io/hostname': name }, containers: [{ name: 'c', image: 'nginx' }] } } as KubeObject);
      await sim.advance('1m');
      const pod = await sim.get(resources.pods, 'p');
      expect(pod.spec?.nodeName).toBe(name);
      expect(pod.status?.phase).toBe('Running');
    });
  });

  // job.test.ts, shrunk: one node of 1 CPU, a Job of 5 completions, parallelism 1, pods of
  // 250m that exit 0 after 1 s: the fifth pod stays Pending ("Insufficient cpu") forever.
  // The scheduler kept Succeeded/Failed pods in its node cache; kube-scheduler treats a
  // pod that reached a terminal phase as gone (fixed in scheduler.ts: isTerminal).
  it('schedules a pod into room freed by pods that finished', async () => {
    await withSimulation({ seed: 0, nodes: { pools: [{ count: 1, capacity: { cpu: '1', memory: '2Gi' } }] }, events: false, components: { 'controller-manager': false } }, async (sim) => {
      const pod = (name: string, command: string): KubeObject =>
        ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', command], resources: { requests: { cpu: '250m' } } }] } }) as KubeObject;
      await sim.apply(['a', 'b', 'c', 'd'].map((n) => pod(n, 'sleep 5; exit 0')));
      await sim.apply(pod('e', 'sleep infinity'));
      await sim.advance('2m');
      const states = await Promise.all(['a', 'e'].map((n) => sim.get(resources.pods, n)));
      expect(states[0]!.status?.phase).toBe('Succeeded');
      expect(states[1]!.spec?.nodeName).toBeTruthy();
    });
  });

  // deployment.test.ts, shrunk: replicas 5, maxSurge 0%, maxUnavailable 50% (→ 2),
  // minReadySeconds 3; a second template change at t=33 s, mid-rollout. The ReplicaSet
  // controller scales the middle ReplicaSet down by its 2 unavailable pods but, ranking
  // co-located pods first as Kubernetes does, deletes an available pod and keeps one that is
  // ready but not yet available: 2 available < 3 for a few seconds. Kubernetes behaves the
  // same, so rolloutBounds bounds ready pods (which never dip), not available ones.
  it('keeps ready pods within maxUnavailable when a rollout is replaced mid-way with minReadySeconds', async () => {
    const web = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app: 'web' } },
        minReadySeconds: 3,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: '50%' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.0' }], terminationGracePeriodSeconds: 30 } },
      },
    } as Deployment;
    const nodes = { pools: [{ namePrefix: 'pool-0', count: 3, capacity: { cpu: '2', memory: '4Gi' }, zones: ['zone-c'] }] };
    await withSimulation({ seed: 0, nodes, events: false }, async (sim) => {
      checkInvariants(sim, [rolloutBounds()]);
      await sim.apply(web);
      await sim.update(resources.deployments, 'web', (d) => applyTemplateChange(d, { image: 'nginx:2.52', behaviour: { annotations: { 'kubesim.io/start-delay': '5s', 'kubesim.io/ready-after': '7s' }, readinessProbe: false } }));
      await sim.advance('33s');
      await sim.update(resources.deployments, 'web', (d) => applyTemplateChange(d, { image: 'nginx:2.1', behaviour: { annotations: {}, readinessProbe: false } }));
      await eventually(sim, 'rollout', (s) => rolloutIncomplete(s, 'default', 'web'));
    });
  });

  // restarts.test.ts, StatefulSet property, seed -1519953100: one node, a StatefulSet of one
  // replica under a rolling update; at the update every watch drops and the scheduler's next
  // watch gets 410 Gone. While it relisted, db-0 was deleted and recreated (new uid,
  // pending), so the relist reported it as an update of the bound db-0. The scheduler left
  // the old pod in its cache (keyed by namespace/name), queued the new one, and assuming it
  // threw "pod default/db-0 is in the cache, so can't be assumed" out of the scheduling
  // loop: an unhandled rejection, the loop dead, db-0 Pending forever. Fixed in the
  // scheduler: a uid change is a delete plus an add, the cache is keyed by uid, and a
  // failed cycle is retried instead of ending the loop.
  it('schedules a StatefulSet pod recreated under its old name while the scheduler relists', async () => {
    const db = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        replicas: 1,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        podManagementPolicy: 'OrderedReady',
        minReadySeconds: 0,
        updateStrategy: { type: 'RollingUpdate' },
        template: { metadata: { labels: { app: 'db' }, annotations: {} }, spec: { containers: [{ name: 'db', image: 'redis:7', resources: { requests: { cpu: '50m' } } }] } },
      },
    } as StatefulSet;
    const nodes = { pools: [{ namePrefix: 'pool-0', count: 1, capacity: { cpu: '2', memory: '2Gi', pods: '110' }, zones: ['zone-c'] }] };
    await withSimulation({ seed: 0, nodes, events: false }, async (sim) => {
      checkInvariants(sim, [statefulSetOrdering(), noNodeOvercommitted()]);
      await sim.apply(db);
      await sim.advance('20s');
      await sim.update(resources.statefulsets, 'db', (cur) => ({ ...cur, spec: { ...cur.spec, template: { ...cur.spec.template, metadata: { ...cur.spec.template.metadata, annotations: { 'kubesim.io/revision': '2' } } } } }));
      await runFaultSchedule(sim, [
        { at: 0, fault: { kind: 'disconnect-watches' } },
        { at: 0, fault: { kind: 'expire-watches', component: 'scheduler', count: 1 } },
      ]);
      await eventually(sim, 'statefulset converged', (s) => statefulSetIncomplete(s, 'default', 'db'), '20m');
    });
  });

  // scheduler.test.ts, seed 28923: four empty nodes, seven pods created in one wave, all
  // bound within the first step. p-0 (spread maxSkew 1 on hostname over group g0) went to
  // pool-1-1 while every node was empty; then p-2 (g0, nodeSelector disk=ssd: pool-1-1
  // only) and p-3 (g0, no constraint) came to pool-1-1 and pool-0-0. The oracle judged p-0
  // against the whole step, p-2 and p-3 included: "skew 2 > maxSkew 1". Kubernetes checks
  // spread only when the constrained pod is placed, so the scheduler was right; the oracle
  // now judges each pod against the pods bound before it (the view's bindingOrder).
  it('judges topology spread against the pods bound before, not later pods of the same step', async () => {
    const pool = (prefix: string, zones: string[], labels: Record<string, string> = {}, count = 1) =>
      ({ namePrefix: prefix, count, capacity: { cpu: '1', memory: '2Gi', pods: '110' }, labels, taints: [], zones });
    const nodes = { pools: [pool('pool-0', ['zone-c']), pool('pool-1', ['zone-c'], { 'kubesim.io/disk': 'ssd' }), pool('pool-2', ['zone-b', 'zone-c'], {}, 2)] };
    const pod = (name: string, group: string, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod =>
      ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { 'kubesim.io/group': group } }, spec: { containers: [{ name: 'app', image: 'nginx' }], terminationGracePeriodSeconds: 30, ...spec } }) as Pod;
    const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'kubesim.io/group': 'g0' } } }] };
    const pods = [pod('p-0', 'g0', spread), pod('p-1', 'g1'), pod('p-2', 'g0', { nodeSelector: { 'kubesim.io/disk': 'ssd' } }), pod('p-3', 'g0'), pod('p-4', 'g1'), pod('p-5', 'g1'), pod('p-6', 'g1')];
    await withSimulation({ seed: 0, nodes, events: false, components: { 'controller-manager': false } }, async (sim) => {
      checkInvariants(sim, [noNodeOvercommitted(), scheduledPodsRespectFilters()]);
      await sim.apply(pods as KubeObject[]);
      await sim.advance('20s');
      // the case still arises: the end state skews p-0's domain, legitimately
      const state = await sim.state();
      const p0 = state.pods.find((p) => p.metadata.name === 'p-0')!;
      expect(spreadViolation(p0, state.node(p0.spec!.nodeName!)!, state), 'p-0 no longer ends up on a skewed node: this test stopped covering the case').toMatch(/skew 2 > maxSkew 1/);
    });
  });
  // job.test.ts (suspend property), seed 501, shrunk: a Job without completions, parallelism
  // raised 1 → 4 and suspended in the same instant, resumed 5 s later: no pod ever came back.
  // Suspending deleted the 4 pods; a second sync, on a cache that had seen only some of the
  // deletions, deleted the rest again and reset the deletion expectations to 2, of which one
  // was never to be observed: the Job managed no pods any more. Kubernetes checks the
  // expectations before it reads the pods, and deletes suspended pods only when they are
  // met (fixed in controller-manager/src/job/sync.ts).
  it('runs the pods of a Job resumed after a suspension that raced a parallelism change', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'batch', namespace: 'default' },
      spec: { parallelism: 1, backoffLimit: 0, template: { metadata: {}, spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sh', '-c', 'sleep 1; exit 0'] }] } } },
    } as Job;
    const nodes = { pools: [{ namePrefix: 'pool-0', count: 1, capacity: { cpu: '2', memory: '2Gi', pods: '110' }, zones: ['zone-b'] }] };
    await withSimulation({ seed: 0, nodes, events: false }, async (sim) => {
      checkInvariants(sim, [jobCounts()]);
      await sim.apply(job);
      await sim.update(resources.jobs, 'batch', (j) => ({ ...j, spec: { ...j.spec, parallelism: 4 } }));
      await sim.update(resources.jobs, 'batch', (j) => ({ ...j, spec: { ...j.spec, suspend: true } }));
      await sim.advance('5s');
      await sim.update(resources.jobs, 'batch', (j) => ({ ...j, spec: { ...j.spec, suspend: false } }));
      await eventually(sim, 'resumed job complete', (s) => jobIncomplete(s, 'default', 'batch'), '2m');
    });
  });
  // Exploring Jobs and rollouts under controller faults (latency with a restart), seed 601,
  // shrunk: the controller-manager restarts while its API calls take 500 ms. Its informers'
  // first lists come back one by one, and the controllers worked from whatever had arrived:
  // the Job controller saw the Job's pod but not yet the Job, took the Job for deleted and
  // removed the pod's tracking finalizer; the pod's success then went uncounted and a second
  // pod ran (2 pods for 1 completion). Kubernetes' controllers start their workers only once
  // their caches have synced (WaitForCacheSync); the controller-manager now does too.
  it('does not act on half-filled caches after a controller-manager restart under API latency', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'batch', namespace: 'default' },
      spec: { completions: 1, parallelism: 1, backoffLimit: 0, template: { metadata: {}, spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sh', '-c', 'sleep 1; exit 0'] }] } } },
    } as Job;
    const nodes = { pools: [{ namePrefix: 'pool-0', count: 1, capacity: { cpu: '2', memory: '2Gi', pods: '110' }, zones: ['zone-c'] }] };
    await withSimulation({ seed: 0, nodes, events: false }, async (sim) => {
      checkInvariants(sim, [jobCounts()]);
      await sim.apply(job);
      await runFaultSchedule(sim, [
        { at: 0, fault: { kind: 'latency', component: 'controller-manager', ms: 500 } },
        { at: 0, fault: { kind: 'restart', component: 'controller-manager' } },
      ]);
      await eventually(sim, 'job complete', (s) => jobIncomplete(s, 'default', 'batch'), '2m');
      const state = await sim.state();
      expect(jobPods(state, state.jobs[0]!).map((p) => p.status?.phase)).toEqual(['Succeeded']);
    });
  });

  // The same restart during a rollout (replicas 1, maxSurge 1, maxUnavailable 0; latency
  // 50 ms): both ReplicaSet syncs ran before the pods were listed and each created its pod
  // again: 4 pods > replicas + maxSurge = 2.
  it('keeps a rollout within maxSurge across a controller-manager restart under API latency', async () => {
    const web = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        minReadySeconds: 0,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '0%' } },
        template: { metadata: { labels: { app: 'web' }, annotations: {} }, spec: { containers: [{ name: 'app', image: 'nginx:1.0' }], terminationGracePeriodSeconds: 30 } },
      },
    } as Deployment;
    const nodes = { pools: [{ namePrefix: 'pool-0', count: 1, capacity: { cpu: '2', memory: '2Gi', pods: '110' }, zones: ['zone-b'] }] };
    await withSimulation({ seed: 0, nodes, events: false }, async (sim) => {
      checkInvariants(sim, [rolloutBounds(), noNodeOvercommitted()]);
      await sim.apply(web);
      await sim.advance('10s');
      await sim.update(resources.deployments, 'web', (d) => applyTemplateChange(d, { image: 'nginx:2.1', behaviour: { annotations: {}, readinessProbe: false } }));
      await runFaultSchedule(sim, [
        { at: 0, fault: { kind: 'latency', component: 'controller-manager', ms: 50 } },
        { at: 0, fault: { kind: 'restart', component: 'controller-manager' } },
        { at: 100, fault: { kind: 'conflicts', component: 'controller-manager', count: 1 } },
      ]);
      sim.inject('controller-manager', { latencyMs: 0 });
      await eventually(sim, 'rollout', (s) => rolloutIncomplete(s, 'default', 'web'));
    });
  });
  // cronjob.test.ts under controller-manager faults, seed 112, shrunk: a CronJob every 3
  // minutes; at 00:09 its status write after creating the Job hit a 409. The retry found
  // the Job, put it back in status.active, and returned early without lastScheduleTime,
  // which stayed at 00:06. Deleting that running Job (as a user may) then made the
  // controller take 00:09 for unmet and run it a second time. Fixed in cronjob/sync.ts: a
  // Job found running for the schedule time records the time as well.
  it('does not run a CronJob schedule twice after its status write was lost and the Job deleted', async () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'tick', namespace: 'default' },
      spec: {
        schedule: '*/3 * * * *',
        concurrencyPolicy: 'Allow',
        jobTemplate: { spec: { parallelism: 1, backoffLimit: 0, template: { metadata: {}, spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sh', '-c', 'sleep 30; exit 0'] }] } } } },
      },
    } as CronJob;
    const nodes = { pools: [{ namePrefix: 'pool-0', count: 1, capacity: { cpu: '4', memory: '2Gi', pods: '110' }, zones: ['zone-a'] }] };
    await withSimulation({ seed: 0, nodes, events: false }, async (sim) => {
      await sim.apply(cronJob);
      await runFaultSchedule(sim, [{ at: 540_050, fault: { kind: 'conflicts', component: 'controller-manager', count: 1 } }], { until: '9m5s' });
      expect((await sim.get(resources.cronjobs, 'tick')).status?.lastScheduleTime).toBe('2026-01-01T00:09:00Z');
      const job = (await sim.list(resources.jobs, 'default')).find((j) => j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] === '2026-01-01T00:09:00Z')!;
      await sim.client.delete(resources.jobs, job.metadata.name!, { namespace: 'default', propagationPolicy: 'Background' });
      await sim.advance('1m');
      const again = (await sim.list(resources.jobs, 'default')).filter((j) => j.metadata.name === job.metadata.name);
      expect(again, 'the 00:09 Job was created again').toEqual([]);
    });
  });
});
