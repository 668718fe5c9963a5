// Property tests of the part-2 workload controllers in virtual time (fast-check): random
// Jobs with controller restarts, DaemonSets under node churn, OrderedReady StatefulSets
// scaling up and down, and Forbid CronJobs over virtual hours.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resources } from '@kubesim/shared';
import type { CronJob, DaemonSet, Job, Node, Pod, StatefulSet, Taint } from '@kubesim/shared';
import { startCronJobController } from '../src/cronjob/controller.ts';
import { startDaemonSetController } from '../src/daemonset/controller.ts';
import { nodeShouldRunDaemonPod, targetNodeOf } from '../src/daemonset/predicates.ts';
import { startJobController } from '../src/job/controller.ts';
import { startStatefulSetController } from '../src/statefulset/controller.ts';
import { listPods, startWorkloadCluster } from './workload-cluster.ts';

const ns = { namespace: 'default' };
const runs = { numRuns: 8, endOnFailure: true };
const terminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

describe('Job properties', () => {
  it('never exceeds parallelism, and ends with exactly the counted outcomes across controller restarts', async () => {
    const scenario = fc.record({
      parallelism: fc.integer({ min: 1, max: 3 }),
      completions: fc.integer({ min: 1, max: 5 }),
      backoffLimit: fc.integer({ min: 0, max: 2 }),
      outcomes: fc.array(fc.record({ ok: fc.boolean(), runS: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 12 }),
      restarts: fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        let n = 0;
        const c = await startWorkloadCluster({
          script: () => {
            const o = s.outcomes[n++] ?? { ok: true, runS: 1 };
            return { startMs: 500, runMs: o.runS * 1000, exitCode: o.ok ? 0 : 1 };
          },
        });
        try {
          let controller = await c.start(startJobController);
          const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'p', namespace: 'default' }, spec: { parallelism: s.parallelism, completions: s.completions, backoffLimit: s.backoffLimit, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } } } as Job;
          await c.client.create(resources.jobs, job, ns);
          for (let step = 1; step <= 150; step++) {
            await c.advance(1000, 500);
            if (s.restarts.includes(step)) {
              await controller.stop();
              controller = await c.start(startJobController);
            }
            const active = (await listPods(c)).filter((p) => !terminal(p) && !p.metadata.deletionTimestamp);
            expect(active.length).toBeLessThanOrEqual(s.parallelism);
          }
          await c.settle();
          const final = await c.client.get(resources.jobs, 'p', ns);
          const pods = await listPods(c);
          const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
          const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
          const cond = final.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
          expect(cond).toBeDefined();
          expect(final.status?.succeeded ?? 0).toBe(succeeded);
          expect(final.status?.uncountedTerminatedPods ?? {}).toEqual({});
          if (cond?.type === 'Complete') {
            expect(final.status?.failed ?? 0).toBe(failed);
            expect(succeeded).toBe(s.completions);
            expect(failed).toBeLessThanOrEqual(s.backoffLimit);
          } else {
            // the pods still running when the Job failed were deleted and count as failed too
            // (as in Kubernetes): at most one per parallel slot beyond the Failed ones
            expect(final.status?.failed ?? 0).toBeGreaterThanOrEqual(failed);
            expect(final.status?.failed ?? 0).toBeLessThanOrEqual(failed + s.parallelism - 1);
            expect(failed).toBeGreaterThan(s.backoffLimit);
            expect(succeeded).toBeLessThan(s.completions);
          }
          for (const p of pods) expect(p.metadata.finalizers ?? []).not.toContain('batch.kubernetes.io/job-tracking');
        } finally {
          await c.stop();
        }
      }),
      runs,
    );
  }, 60_000);
});

describe('DaemonSet properties', () => {
  type Op = { kind: 'add'; label: boolean; taint: 'none' | 'NoSchedule' | 'NoExecute' } | { kind: 'remove'; pick: number } | { kind: 'taint'; pick: number; taint: 'none' | 'NoSchedule' | 'NoExecute' };
  const taintArb = fc.constantFrom<'none' | 'NoSchedule' | 'NoExecute'>('none', 'none', 'NoSchedule', 'NoExecute');
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), label: fc.boolean(), taint: taintArb }),
    fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('taint' as const), pick: fc.nat(), taint: taintArb }),
  );
  const taintsOf = (t: 'none' | 'NoSchedule' | 'NoExecute'): Taint[] => (t === 'none' ? [] : [{ key: 'churn', value: 'x', effect: t }]);

  it('converges to one pod per eligible node after random churn and never places one on an ineligible node', async () => {
    let placed = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 8, maxLength: 8 }), async (ops, pauses) => {
        const c = await startWorkloadCluster({ scheduler: true });
        try {
          await c.start(startDaemonSetController);
          const ds = {
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            metadata: { name: 'd', namespace: 'default' },
            spec: {
              selector: { matchLabels: { app: 'd' } },
              template: { metadata: { labels: { app: 'd' } }, spec: { nodeSelector: { role: 'worker' }, containers: [{ name: 'c', image: 'x' }] } },
            },
          } as DaemonSet;
          await c.client.create(resources.daemonsets, ds, ns);
          await c.addNode('base', { labels: { role: 'worker' } });
          let names: string[] = [];
          let seq = 0;
          const seen = new Set<string>();
          const nodesNow = async (): Promise<Map<string, Node>> => new Map((await c.client.list(resources.nodes)).items.map((n) => [n.metadata.name!, n]));
          const tmpl = (await c.client.get(resources.daemonsets, 'd', ns)).spec.template.spec;
          for (let i = 0; i < ops.length; i++) {
            const op = ops[i]!;
            const before = await nodesNow();
            if (op.kind === 'add') {
              const name = `n${seq++}`;
              await c.addNode(name, { labels: op.label ? { role: 'worker' } : {}, taints: taintsOf(op.taint) });
              names.push(name);
            } else if (names.length) {
              const name = names[op.pick % names.length]!;
              if (op.kind === 'remove') {
                await c.removeNode(name);
                names = names.filter((x) => x !== name);
              } else await c.client.patch(resources.nodes, name, { spec: { taints: taintsOf(op.taint) } }, { type: 'merge' });
            }
            await c.advance(pauses[i] ?? 0, 250);
            const after = await nodesNow();
            for (const pod of await listPods(c)) {
              if (seen.has(pod.metadata.uid!)) continue;
              seen.add(pod.metadata.uid!);
              const target = targetNodeOf(pod.spec) ?? '';
              const eligible = [before.get(target), after.get(target)].some((n) => n && nodeShouldRunDaemonPod(n, tmpl).shouldRun);
              expect(eligible).toBe(true);
            }
          }
          await c.settle();
          const nodes = await nodesNow();
          const pods = (await listPods(c)).filter((p) => !p.metadata.deletionTimestamp);
          // one pod where the daemon should run; none where it may not continue; at most one
          // where only an untolerated NoSchedule taint came after the pod (it is not evicted)
          for (const [name, node] of nodes) {
            const here = pods.filter((p) => p.spec?.nodeName === name).length;
            const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, tmpl);
            if (shouldRun) expect(here).toBe(1);
            else if (!shouldContinueRunning) expect(here).toBe(0);
            else expect(here).toBeLessThanOrEqual(1);
          }
          expect(pods.every((p) => nodes.has(p.spec?.nodeName ?? ''))).toBe(true);
          placed += pods.length;
        } finally {
          await c.stop();
        }
      }),
      runs,
    );
    // the scenarios did place pods (the property is not vacuous)
    expect(placed).toBeGreaterThan(0);
  }, 60_000);
});

describe('StatefulSet properties', () => {
  it('under OrderedReady, never runs pod N before 0..N-1 are Ready, nor two pods with one ordinal', async () => {
    const scenario = fc.record({
      scales: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
      waits: fc.array(fc.integer({ min: 500, max: 8000 }), { minLength: 4, maxLength: 4 }),
      readyMs: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 6, maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const c = await startWorkloadCluster({ script: (p) => ({ startMs: 500, readyMs: s.readyMs[Number(p.metadata.name?.split('-').pop()) % 6] ?? 0 }) });
        try {
          await c.start(startStatefulSetController);
          const set = {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            metadata: { name: 's', namespace: 'default' },
            spec: { replicas: 3, serviceName: 's', selector: { matchLabels: { app: 's' } }, template: { metadata: { labels: { app: 's' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
          } as StatefulSet;
          await c.client.create(resources.statefulsets, set, ns);
          const check = async (): Promise<void> => {
            const pods = await listPods(c);
            const byOrd = new Map<number, Pod[]>();
            for (const p of pods) {
              const n = Number(p.metadata.labels?.['apps.kubernetes.io/pod-index']);
              byOrd.set(n, [...(byOrd.get(n) ?? []), p]);
            }
            for (const [n, list] of byOrd) {
              expect(list).toHaveLength(1);
              for (let k = 0; k < n; k++) {
                const lower = byOrd.get(k)?.[0];
                expect(lower && lower.status?.phase === 'Running' && lower.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).toBe(true);
              }
            }
          };
          const phases = [3, ...s.scales];
          for (let i = 0; i < phases.length; i++) {
            if (i > 0) await c.client.patch(resources.statefulsets, 's', { spec: { replicas: phases[i] } }, { type: 'merge', ...ns });
            const until = c.clock.now() + (s.waits[i] ?? 4000);
            while (c.clock.now() < until) {
              await c.advance(250);
              await check();
            }
          }
          await c.settle();
          await check();
          expect((await listPods(c)).length).toBe(phases[phases.length - 1]);
        } finally {
          await c.stop();
        }
      }),
      runs,
    );
  }, 60_000);
});

describe('CronJob properties', () => {
  it('with Forbid, never has two Jobs active', async () => {
    const scenario = fc.record({
      schedule: fc.constantFrom('*/5 * * * *', '*/7 * * * *', '*/10 * * * *', '@hourly', '15,45 * * * *'),
      runMin: fc.integer({ min: 1, max: 20 }),
      deadline: fc.option(fc.integer({ min: 30, max: 600 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const c = await startWorkloadCluster({ script: () => ({ startMs: 1000, runMs: s.runMin * 60_000, exitCode: 0 }) });
        try {
          await c.start(startJobController);
          await c.start(startCronJobController);
          const cj = {
            apiVersion: 'batch/v1',
            kind: 'CronJob',
            metadata: { name: 'cj', namespace: 'default' },
            spec: {
              schedule: s.schedule,
              concurrencyPolicy: 'Forbid',
              ...(s.deadline !== undefined ? { startingDeadlineSeconds: s.deadline } : {}),
              jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } } },
            },
          } as CronJob;
          await c.client.create(resources.cronjobs, cj, ns);
          for (let step = 0; step < 36; step++) {
            await c.advance(300_000, 150_000);
            const active = (await c.client.list(resources.jobs, ns)).items.filter((j) => !j.status?.conditions?.some((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True'));
            expect(active.length).toBeLessThanOrEqual(1);
          }
          expect(c.events.some((e) => e.reason === 'SuccessfulCreate' && e.kind === 'CronJob')).toBe(true);
        } finally {
          await c.stop();
        }
      }),
      { numRuns: 4, endOnFailure: true },
    );
  }, 60_000);
});
