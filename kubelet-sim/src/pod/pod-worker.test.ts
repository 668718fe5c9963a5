import { describe, expect, it } from 'vitest';
import { makePod, PodHarness } from '../testing/pod-harness.ts';
import type { PodWorker } from './pod-worker.ts';
import type { ContainerStatus, PodStatus } from '../types.ts';

const noPull = { 'kubesim.io/image-pull-seconds': '0' };
const cond = (s: PodStatus, type: string) => s.conditions?.find((c) => c.type === type);
const app = (s: PodStatus): ContainerStatus => s.containerStatuses![0]!;

/** the times (relative to `t0`, in s) at which the app container entered state.running */
function runningStarts(h: PodHarness, w: PodWorker, t0: number): number[] {
  const out: number[] = [];
  let prev: string | undefined;
  for (const { time, status } of h.history.get(w) ?? []) {
    const started = app(status).state?.running?.startedAt;
    if (started && started !== prev) out.push((time - t0) / 1000);
    prev = started;
  }
  return out;
}

describe('PodWorker: a server pod', () => {
  it('goes from ContainerCreating to Running and Ready with a pod IP from the node CIDR', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ ports: [{ containerPort: 80 }] }], { annotations: { 'kubesim.io/image-pull-seconds': '2' } }));
    let s = h.last(w);
    expect(s.phase).toBe('Pending');
    expect(app(s).state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(cond(s, 'PodReadyToStartContainers')?.status).toBe('True');
    expect(s.podIP).toBe('10.244.0.2');
    await h.clock.advance(1000);
    expect(h.last(w).phase).toBe('Pending');
    await h.clock.advance(1000);
    s = h.last(w);
    expect(s.phase).toBe('Running');
    expect(app(s)).toMatchObject({ ready: true, started: true, restartCount: 0, image: 'docker.io/library/nginx:1.27' });
    expect(app(s).containerID).toMatch(/^kubesim:\/\/[0-9a-f]{64}$/);
    expect(cond(s, 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: '2025-01-01T00:00:02Z' });
    expect(cond(s, 'PodScheduled')?.status).toBe('True');
    expect(h.events.map((e) => e.reason)).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
    expect(h.logText(w, 'app')).toEqual(['kubesim: serving HTTP on 10.244.0.2:80']);
  });

  it('uses the cached image on the second pod of the node', async () => {
    const h = new PodHarness();
    h.run(makePod([{}], { annotations: { 'kubesim.io/image-pull-seconds': '3' } }));
    await h.clock.advance(3000);
    const w2 = h.run(makePod([{}]));
    await h.clock.advance(0);
    expect(h.last(w2).phase).toBe('Running');
    expect(h.events.at(-3)?.message).toBe('Container image "nginx:1.27" already present on machine');
  });
});

describe('PodWorker: job-style containers', () => {
  it('runs a script to completion: Succeeded, Completed, exit code 0, echoed logs', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ image: 'busybox:1.36', command: ['sh', '-c', 'echo start; sleep 5; echo done'] }], { spec: { restartPolicy: 'Never' }, annotations: noPull }));
    await h.clock.advance(4000);
    expect(h.last(w).phase).toBe('Running');
    await h.clock.advance(1000);
    const s = h.last(w);
    expect(s.phase).toBe('Succeeded');
    expect(app(s).state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:00:05Z' });
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(h.logText(w, 'app')).toEqual(['start', 'done']);
    expect(h.ips.used).toBe(0);
  });

  it('fails the pod on a non-zero exit with restartPolicy Never', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ command: ['sh', '-c', 'exit 3'] }], { spec: { restartPolicy: 'Never' }, annotations: noPull }));
    await h.clock.runUntilIdle();
    const s = h.last(w);
    expect(s.phase).toBe('Failed');
    expect(app(s).state?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(app(s).restartCount).toBe(0);
  });

  it('restarts only failures with OnFailure', async () => {
    const h = new PodHarness();
    const ok = h.run(makePod([{ command: ['true'] }], { spec: { restartPolicy: 'OnFailure' }, annotations: noPull }));
    const bad = h.run(makePod([{ command: ['false'] }], { spec: { restartPolicy: 'OnFailure' }, annotations: noPull }));
    await h.clock.advance(1000);
    expect(h.last(ok).phase).toBe('Succeeded');
    expect(h.last(bad).phase).toBe('Running');
    expect(app(h.last(bad)).restartCount).toBe(1);
  });
});

describe('PodWorker: CrashLoopBackOff', () => {
  it('restarts at once, then after 10s, 20s, 40s … capped at 5m', async () => {
    const h = new PodHarness();
    const t0 = h.clock.now();
    const w = h.run(makePod([{ command: ['sh', '-c', 'sleep 1; exit 1'] }], { annotations: noPull }));
    await h.clock.advance(20 * 60_000);
    const starts = runningStarts(h, w, t0);
    // each run lasts 1 s; waits are 0, 10, 20, 40, 80, 160, 300, 300 s
    expect(starts.slice(0, 9)).toEqual([0, 1, 12, 33, 74, 155, 316, 617, 918]);
    const s = h.last(w);
    expect(s.phase).toBe('Running');
    expect(app(s).lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  });

  it('reports the back-off in the waiting state and a BackOff event', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ command: ['false'] }], { annotations: noPull, name: 'crashy' }));
    await h.clock.advance(100);
    const s = h.last(w);
    expect(app(s).state?.waiting).toEqual({
      reason: 'CrashLoopBackOff',
      message: `back-off 10s restarting failed container=app pod=crashy_default(${w.uid})`,
    });
    expect(app(s).restartCount).toBe(1);
    expect(h.events.some((e) => e.reason === 'BackOff' && e.message === `Back-off restarting failed container app in pod crashy_default(${w.uid})`)).toBe(true);
    expect(cond(s, 'Ready')?.status).toBe('False');
  });

  it('OOM-kills a container whose usage exceeds its memory limit', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ resources: { limits: { memory: '64Mi' } } }], { annotations: { ...noPull, 'kubesim.io/memory-usage': '100Mi' } }));
    await h.clock.advance(600);
    expect(app(h.last(w)).lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('crashes after kubesim.io/crash-after with kubesim.io/exit-code', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{}], { spec: { restartPolicy: 'Never' }, annotations: { ...noPull, 'kubesim.io/crash-after': '30s', 'kubesim.io/exit-code': '2' } }));
    await h.clock.advance(29_000);
    expect(h.last(w).phase).toBe('Running');
    await h.clock.advance(1000);
    expect(h.last(w).phase).toBe('Failed');
    expect(app(h.last(w)).state?.terminated?.exitCode).toBe(2);
  });
});

describe('PodWorker: probes', () => {
  it('is not ready until the readiness probe passes, and ready-after delays it', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80, path: '/' }, periodSeconds: 5 } }], { annotations: { ...noPull, 'kubesim.io/ready-after': '12s' } }));
    await h.clock.advance(10_000);
    expect(app(h.last(w)).ready).toBe(false);
    await h.clock.advance(5_000);
    expect(app(h.last(w)).ready).toBe(true);
    expect(cond(h.last(w), 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: '2025-01-01T00:00:15Z' });
    expect(h.events.filter((e) => e.reason === 'Unhealthy')[0]?.message).toBe('Readiness probe failed: HTTP probe failed with statuscode: 503');
  });

  it('fails an httpGet probe on a port nothing listens on', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 8080 } } }], { annotations: noPull }));
    await h.clock.advance(60_000);
    expect(app(h.last(w)).ready).toBe(false);
    expect(h.events.find((e) => e.reason === 'Unhealthy')?.message).toBe(
      'Readiness probe failed: Get "http://10.244.0.2:8080/": dial tcp 10.244.0.2:8080: connect: connection refused',
    );
  });

  it('restarts a container whose liveness probe fails failureThreshold times', async () => {
    const h = new PodHarness();
    const w = h.run(
      makePod([{ livenessProbe: { httpGet: { port: 80 }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 } }], {
        annotations: { ...noPull, 'kubesim.io/probe-fail': 'liveness' },
      }),
    );
    await h.clock.advance(24_000);
    expect(app(h.last(w)).restartCount).toBe(0);
    await h.clock.advance(1_000); // failures at 5, 15, 25 s: killed at 25 s; nginx exits on SIGTERM
    const s = h.last(w);
    expect(app(s).restartCount).toBe(1);
    expect(app(s).lastState?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(h.events.some((e) => e.reason === 'Killing' && e.message === 'Container app failed liveness probe, will be restarted')).toBe(true);
  });

  it('holds readiness and liveness until the startup probe succeeds', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ command: ['sleep', 'infinity'], startupProbe: { exec: { command: ['true'] }, initialDelaySeconds: 20 } }], { annotations: noPull }));
    await h.clock.advance(19_000);
    expect(app(h.last(w))).toMatchObject({ started: false, ready: false });
    await h.clock.advance(1_000);
    expect(app(h.last(w))).toMatchObject({ started: true, ready: true });
  });
});

describe('PodWorker: graceful deletion', () => {
  it('stops a server at once and hands the pod back for deletion', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{}], { annotations: noPull }));
    await h.clock.advance(1000);
    h.delete(w, 30);
    await h.clock.advance(0);
    expect(h.deleted).toContain(w);
    const s = h.history.get(w)!.at(-1)!.status;
    expect(app(s).state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(s.phase).toBe('Succeeded');
  });

  it('waits the whole grace period for a process that ignores SIGTERM, then kills it', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ command: ['sleep', 'infinity'] }], { annotations: noPull }));
    await h.clock.advance(1000);
    h.delete(w, 10);
    await h.clock.advance(9_999);
    expect(h.deleted).not.toContain(w);
    await h.clock.advance(1);
    expect(h.deleted).toContain(w);
    const s = h.history.get(w)!.at(-1)!.status;
    expect(app(s).state?.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    expect(s.phase).toBe('Failed');
  });

  it('runs a preStop hook before SIGTERM', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 5'] } } } }], { annotations: noPull }));
    await h.clock.advance(1000);
    h.delete(w, 30);
    await h.clock.advance(4_999);
    expect(h.deleted).not.toContain(w);
    await h.clock.advance(1);
    expect(h.deleted).toContain(w);
  });

  it('deletes a pod that never started straight away', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{}], { annotations: { 'kubesim.io/image-pull-seconds': '60' } }));
    h.delete(w, 30);
    await h.clock.advance(0);
    expect(h.deleted).toContain(w);
  });
});

describe('PodWorker: init containers', () => {
  it('runs init containers in order before the app containers', async () => {
    const h = new PodHarness();
    const w = h.run(
      makePod([{}], {
        annotations: noPull,
        spec: {
          initContainers: [
            { name: 'first', image: 'busybox:1.36', command: ['sh', '-c', 'echo one; sleep 2'] },
            { name: 'second', image: 'busybox:1.36', command: ['sleep', '3'] },
          ],
        },
      }),
    );
    await h.clock.advance(1000);
    let s = h.last(w);
    expect(s.phase).toBe('Pending');
    expect(cond(s, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [first second]' });
    expect(app(s).state?.waiting?.reason).toBe('PodInitializing');
    await h.clock.advance(1000);
    expect(h.last(w).initContainerStatuses![1]!.state?.running).toBeDefined();
    await h.clock.advance(3000);
    s = h.last(w);
    expect(s.phase).toBe('Running');
    expect(cond(s, 'Initialized')).toMatchObject({ status: 'True', lastTransitionTime: '2025-01-01T00:00:05Z' });
    expect(s.initContainerStatuses!.map((c) => c.state?.terminated?.reason)).toEqual(['Completed', 'Completed']);
  });

  it('fails the pod when an init container fails under restartPolicy Never', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{}], { annotations: noPull, spec: { restartPolicy: 'Never', initContainers: [{ name: 'init', image: 'busybox', command: ['false'] }] } }));
    await h.clock.runUntilIdle();
    const s = h.last(w);
    expect(s.phase).toBe('Failed');
    expect(app(s).state?.waiting?.reason).toBe('PodInitializing');
  });

  it('starts a sidecar and keeps it running next to the app', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ command: ['sleep', '10'] }], { annotations: noPull, spec: { restartPolicy: 'Never', initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] } }));
    await h.clock.advance(1000);
    let s = h.last(w);
    expect(s.phase).toBe('Running');
    expect(s.initContainerStatuses![0]!.state?.running).toBeDefined();
    await h.clock.advance(10_000);
    s = h.last(w);
    expect(s.phase).toBe('Succeeded');
    expect(s.initContainerStatuses![0]!.state?.terminated).toBeDefined();
  });
});

describe('PodWorker: configuration errors', () => {
  it('waits in CreateContainerConfigError until the ConfigMap exists', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'x' } } }] }], { annotations: noPull }));
    await h.clock.advance(0);
    expect(app(h.last(w)).state?.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "cfg" not found' });
    h.addConfig('ConfigMap', 'default', 'cfg', { y: '1' });
    await h.clock.advance(10_000);
    expect(app(h.last(w)).state?.waiting).toEqual({ reason: 'CreateContainerConfigError', message: "couldn't find key x in ConfigMap default/cfg" });
    h.addConfig('ConfigMap', 'default', 'cfg', { x: '1' });
    await h.clock.advance(10_000);
    expect(h.last(w).phase).toBe('Running');
  });

  it('reports a missing Secret in envFrom', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ envFrom: [{ secretRef: { name: 'creds' } }] }], { annotations: noPull }));
    await h.clock.advance(0);
    expect(app(h.last(w)).state?.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'secret "creds" not found' });
  });

  it('stays ContainerCreating with FailedMount while a volume ConfigMap is missing', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{}], { annotations: noPull, spec: { volumes: [{ name: 'conf', configMap: { name: 'web' } }] } }));
    await h.clock.advance(0);
    const s = h.last(w);
    expect(app(s).state?.waiting?.reason).toBe('ContainerCreating');
    expect(s.podIP).toBeUndefined();
    expect(h.events.find((e) => e.reason === 'FailedMount')?.message).toBe('MountVolume.SetUp failed for volume "conf" : configmap "web" not found');
    h.addConfig('ConfigMap', 'default', 'web');
    await h.clock.advance(10_000);
    expect(h.last(w).phase).toBe('Running');
  });
});

describe('PodWorker: images', () => {
  it('goes from ErrImagePull to ImagePullBackOff and retries with back-off', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{}], { annotations: { 'kubesim.io/image-pull-seconds': '1', 'kubesim.io/image-pull-error': 'not found' } }));
    await h.clock.advance(1000);
    expect(app(h.last(w)).state?.waiting?.reason).toBe('ErrImagePull');
    await h.clock.advance(1000);
    expect(app(h.last(w)).state?.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:1.27"' });
  });

  it('refuses to pull with imagePullPolicy Never', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{ imagePullPolicy: 'Never' }]));
    await h.clock.advance(0);
    expect(app(h.last(w)).state?.waiting).toEqual({ reason: 'ErrImageNeverPull', message: 'Container image "nginx:1.27" is not present with pull policy of Never' });
  });
});

describe('PodWorker: activeDeadlineSeconds', () => {
  it('fails the pod with DeadlineExceeded', async () => {
    const h = new PodHarness();
    const w = h.run(makePod([{}], { annotations: noPull, spec: { activeDeadlineSeconds: 60 } }));
    await h.clock.advance(60_000);
    const s = h.last(w);
    expect(s).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
  });
});

describe('PodWorker: requests', () => {
  it('keeps podRequests while the spec is the same object and recomputes them for a new spec', () => {
    const h = new PodHarness();
    const pod = makePod([{ resources: { requests: { cpu: '100m', memory: '64Mi' } } }]);
    const w = h.run(pod);
    const first = w.requests();
    expect(Object.fromEntries(first)).toEqual({ cpu: 100, memory: 64 * 1024 * 1024 });
    // a status-only update keeps the spec object (the informer shares unchanged parts)
    w.update({ ...pod, status: { phase: 'Running' } });
    expect(w.requests()).toBe(first);
    // a new spec, even one that looks alike, is summed again
    const resized = makePod([{ resources: { requests: { cpu: '250m', memory: '64Mi' } } }]);
    w.update({ ...pod, spec: resized.spec });
    expect(Object.fromEntries(w.requests())).toEqual({ cpu: 250, memory: 64 * 1024 * 1024 });
  });
});
