// ContainerRuntime: one pod's containers as a container runtime plus the kubelet's
// per-container loop would run them, simulated: pull the image (imagePullPolicy, back-off),
// check env references (CreateContainerConfigError), create, start after start-delay, step
// the behaviour on the TimerQueue (echo → log, sleep → timer, end → exit code), run the
// startup/liveness/readiness probes, crash-after and OOM, SIGTERM with or without a
// handler. Each step checks the container's epoch, so a stopped or restarted instance never
// hears from its predecessor. The PodWorker decides what happens after an exit.

import type { Random } from '@kubesim/shared';
import type { ProbeKind } from '../behaviour/annotations.ts';
import { goDuration } from '../duration.ts';
import type { Container } from '../types.ts';
import { amount } from './admission.ts';
import type { SimContainer } from './container.ts';
import type { PodWorker } from './pod-worker.ts';
import { PROBE_TITLE, probeOf, probeTiming, runProbe } from './probes.ts';

/** how long a failed sync (missing ConfigMap, image never pulled) waits before trying again */
export const SYNC_RETRY_MS = 10_000;

export class ContainerRuntime {
  readonly w: PodWorker;

  constructor(w: PodWorker) {
    this.w = w;
  }

  /** Pull, check config, create and start `c`; `next` runs once it runs or fails to. */
  create(c: SimContainer, next: () => void): void {
    c.bump();
    c.launched = true;
    if (!c.everRan && c.state.kind === 'waiting') c.state = { kind: 'waiting', reason: 'ContainerCreating' };
    const ep = c.epoch;
    const alive = (): boolean => !this.w.closed && c.epoch === ep && !this.w.terminating && !this.w.terminal;
    let continued = false;
    const proceed = (): void => {
      if (!continued) {
        continued = true;
        next();
      }
    };
    const image = c.spec.image ?? '';
    const policy = c.spec.imagePullPolicy ?? (/:[^/]+$/.test(image.replace(/@.*$/, '')) && !image.endsWith(':latest') ? 'IfNotPresent' : 'Always');
    const present = this.w.host.images.has(image);
    const pullKey = `${this.w.uid}/${c.name}/image`;

    const afterImage = (): void => {
      if (!alive()) return;
      void this.#checkConfig(c).then((err) => {
        if (!alive()) return;
        if (err) {
          c.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: err };
          this.w.host.event(this.w, 'Warning', 'Failed', `Error: ${err}`, c.fieldPath);
          this.w.changed();
          proceed();
          c.schedule(this.w.host.timers, this.w.host.timers.now() + SYNC_RETRY_MS, () => this.create(c, () => {}));
          return;
        }
        this.w.host.event(this.w, 'Normal', 'Created', `Created container: ${c.name}`, c.fieldPath);
        c.schedule(this.w.host.timers, this.w.host.timers.now() + c.tuning.startDelayMs, () => {
          if (!alive()) return;
          this.#run(c);
          proceed();
        });
      });
    };

    if (policy === 'Never' && !present) {
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      c.state = { kind: 'waiting', reason: 'ErrImageNeverPull', message: msg };
      this.w.host.event(this.w, 'Warning', 'ErrImageNeverPull', msg, c.fieldPath);
      this.w.changed();
      proceed();
      c.schedule(this.w.host.timers, this.w.host.timers.now() + SYNC_RETRY_MS, () => this.create(c, () => {}));
      return;
    }
    if (policy !== 'Always' && present) {
      this.w.host.event(this.w, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, c.fieldPath);
      afterImage();
      return;
    }
    const now = this.w.host.timers.now();
    const wait = this.w.host.backoff.retryAt(pullKey, now);
    if (wait.delay > 0 && wait.at > now) {
      // still backing off after a failed pull
      c.state = { kind: 'waiting', reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
      this.w.host.event(this.w, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, c.fieldPath);
      this.w.changed();
      proceed();
      c.schedule(this.w.host.timers, wait.at, () => this.create(c, () => {}));
      return;
    }
    this.w.host.event(this.w, 'Normal', 'Pulling', `Pulling image "${image}"`, c.fieldPath);
    const pullStart = now;
    this.w.host.images.pull(image, { pullMs: c.tuning.imagePullMs, error: c.tuning.imagePullError }, (r) => {
      if (!alive()) return;
      if (r.ok) {
        const secs = `${((this.w.host.timers.now() - pullStart) / 1000).toFixed(3)}s`;
        this.w.host.event(this.w, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${(r.ms / 1000).toFixed(3)}s (${secs} including waiting). Image size: ${r.sizeBytes} bytes.`, c.fieldPath);
        afterImage();
        return;
      }
      this.w.host.backoff.retried(pullKey, this.w.host.timers.now());
      c.state = { kind: 'waiting', reason: 'ErrImagePull', message: r.message };
      this.w.host.event(this.w, 'Warning', 'Failed', `Failed to pull image "${image}": ${r.message}`, c.fieldPath);
      this.w.host.event(this.w, 'Warning', 'Failed', 'Error: ErrImagePull', c.fieldPath);
      this.w.changed();
      proceed();
      // the next sync finds the pull backing off
      c.schedule(this.w.host.timers, this.w.host.timers.now() + 1000, () => this.create(c, () => {}));
    });
  }

  /** the error a real kubelet gives when env/envFrom references are missing, else undefined */
  async #checkConfig(c: SimContainer): Promise<string | undefined> {
    const spec: Container = c.spec;
    for (const from of spec.envFrom ?? []) {
      const ref = from.configMapRef ?? from.secretRef;
      if (!ref || ref.optional) continue;
      const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
      if (!(await this.w.host.getConfig(kind, this.w.namespace, ref.name))) return `${kind.toLowerCase()} "${ref.name}" not found`;
    }
    for (const env of spec.env ?? []) {
      const ref = env.valueFrom?.configMapKeyRef ?? env.valueFrom?.secretKeyRef;
      if (!ref || ref.optional) continue;
      const kind = env.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const obj = await this.w.host.getConfig(kind, this.w.namespace, ref.name);
      if (!obj) return `${kind.toLowerCase()} "${ref.name}" not found`;
      if (!(ref.key in (obj.data ?? {})) && !(ref.key in (obj.binaryData ?? {}))) {
        return `couldn't find key ${ref.key} in ${kind} ${this.w.namespace}/${ref.name}`;
      }
    }
    return undefined;
  }

  /** the instance starts running: logs, behaviour, probes, crash and OOM timers */
  #run(c: SimContainer): void {
    const now = this.w.host.timers.now();
    if (c.state.kind === 'terminated') c.lastTerminated = c.state;
    if (c.everRan) c.restartCount++;
    c.everRan = true;
    c.stopping = false;
    c.containerID = `kubesim://${hex(this.w.host.random, 64)}`;
    c.state = { kind: 'running', startedAt: now };
    c.resetProbes();
    this.w.host.logs.open(this.w.logKey(c));
    this.w.host.event(this.w, 'Normal', 'Started', `Started container ${c.name}`, c.fieldPath);
    for (const port of c.servedPorts) this.log(c, `kubesim: serving HTTP on ${this.w.podIP ?? '0.0.0.0'}:${port}`);
    this.startProbes(c, now);
    this.runBehaviour(c, now);
    if (c.tuning.crashAfterMs !== undefined) {
      c.schedule(this.w.host.timers, now + c.tuning.crashAfterMs, () => {
        const code = c.tuning.exitCode ?? 1;
        this.log(c, `kubesim: crashing after ${goDuration(c.tuning.crashAfterMs ?? 0)} with exit code ${code}`);
        this.exit(c, code);
      });
    }
    const limit = amount('memory', c.spec.resources?.limits?.memory);
    if (limit > 0 && c.usage.memoryBytes > limit) {
      c.schedule(this.w.host.timers, now + Math.min(500, c.tuning.crashAfterMs ?? 500), () => this.exit(c, 137, 'OOMKilled'));
    }
    this.w.changed();
  }

  log(c: SimContainer, text: string): void {
    this.w.host.logs.append(this.w.logKey(c), this.w.host.timers.now(), text);
  }

  /** step the behaviour's program: logs now, waits on the timer queue, exit at the end */
  runBehaviour(c: SimContainer, startedAt: number): void {
    const gen = c.behaviour.run();
    let cursor = startedAt;
    const step = (): void => {
      for (let guard = 0; guard < 10_000; guard++) {
        const r = gen.next();
        if (r.done) {
          this.exit(c, c.tuning.exitCode ?? r.value);
          return;
        }
        const s = r.value;
        if (s.kind === 'log') this.log(c, s.text);
        else if (s.kind === 'serve') return;
        else if (s.ms === Number.POSITIVE_INFINITY) return;
        else if (s.ms > 0) {
          cursor += s.ms;
          c.schedule(this.w.host.timers, cursor, step);
          return;
        }
      }
    };
    step();
  }

  startProbes(c: SimContainer, startedAt: number): void {
    const startup = c.spec.startupProbe;
    c.started = !startup;
    c.startedOnce ||= c.started;
    c.ready = false;
    if (startup) this.#probeLoop(c, 'startup', startedAt);
    if (c.spec.livenessProbe) this.#probeLoop(c, 'liveness', startedAt);
    if (c.spec.readinessProbe) this.#probeLoop(c, 'readiness', startedAt);
    else this.#readyWithoutProbe(c, startedAt);
  }

  #readyWithoutProbe(c: SimContainer, startedAt: number): void {
    if (!c.started) return; // becomes ready when the startup probe passes
    const at = Math.max(this.w.host.timers.now(), startedAt + c.tuning.readyAfterMs);
    if (at <= this.w.host.timers.now()) c.ready = true;
    else {
      c.schedule(this.w.host.timers, at, () => {
        c.ready = true;
        this.w.changed();
      });
    }
  }

  #probeLoop(c: SimContainer, kind: ProbeKind, startedAt: number): void {
    const probe = probeOf(c, kind);
    if (!probe) return;
    const t = probeTiming(probe);
    const counters = c.probes[kind];
    const tick = (): void => {
      if (c.state.kind !== 'running' || c.stopping) return;
      const now = this.w.host.timers.now();
      c.schedule(this.w.host.timers, now + t.periodMs, tick);
      if (kind !== 'startup' && !c.started) return; // liveness/readiness wait for startup
      if (kind === 'startup' && c.started) return;
      const r = runProbe(c, kind, probe, this.w.podIP ?? '', now);
      if (r.ok) {
        counters.successes++;
        counters.failures = 0;
        if (counters.successes < t.successThreshold) return;
        if (kind === 'startup' && !c.started) {
          c.started = true;
          c.startedOnce = true;
          if (!c.spec.readinessProbe) this.#readyWithoutProbe(c, startedAt);
          this.w.changed();
          if (c.role === 'sidecar') this.w.sidecarStarted();
        } else if (kind === 'readiness' && !c.ready) {
          c.ready = true;
          this.w.changed();
        }
        return;
      }
      counters.failures++;
      counters.successes = 0;
      this.w.host.event(this.w, 'Warning', 'Unhealthy', `${PROBE_TITLE[kind]} probe failed: ${r.message}`, c.fieldPath);
      if (counters.failures < t.failureThreshold) return;
      if (kind === 'readiness') {
        if (c.ready) {
          c.ready = false;
          this.w.changed();
        }
        return;
      }
      this.w.host.event(this.w, 'Normal', 'Killing', `Container ${c.name} failed ${kind} probe, will be restarted`, c.fieldPath);
      const grace = (probe.terminationGracePeriodSeconds ?? this.w.pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
      this.stop(c, grace);
    };
    c.schedule(this.w.host.timers, startedAt + t.initialDelayMs, tick);
  }

  /** SIGTERM: servers and trapping scripts stop (after stop-delay); others are killed at the grace period */
  stop(c: SimContainer, graceMs: number): void {
    if (c.state.kind !== 'running' || c.stopping) return;
    c.stopping = true;
    c.ready = false;
    const now = this.w.host.timers.now();
    const handles = c.behaviour.handlesSigterm || c.tuning.stopDelayMs !== undefined;
    const stopIn = handles ? (c.tuning.stopDelayMs ?? 0) : Number.POSITIVE_INFINITY;
    if (stopIn <= graceMs) c.schedule(this.w.host.timers, now + stopIn, () => this.exit(c, 0));
    else c.schedule(this.w.host.timers, now + graceMs, () => this.exit(c, 137, 'Error', true));
    this.w.changed();
  }

  /** the current instance of `c` ended */
  exit(c: SimContainer, exitCode: number, reason?: string, killed = false): void {
    if (c.state.kind !== 'running') return;
    const now = this.w.host.timers.now();
    if (killed) this.log(c, 'kubesim: killed (SIGKILL) at the end of the grace period');
    if (reason === 'OOMKilled') this.log(c, 'kubesim: out of memory: usage exceeds the memory limit');
    c.state = {
      kind: 'terminated',
      exitCode,
      reason: reason ?? (exitCode === 0 ? 'Completed' : 'Error'),
      startedAt: c.state.startedAt,
      finishedAt: now,
      ...(c.containerID ? { containerID: c.containerID } : {}),
    };
    c.ready = false;
    c.started = false;
    c.stopping = false;
    c.bump();
    this.w.host.logs.close(this.w.logKey(c));
    this.w.containerExited(c);
    this.w.changed();
  }
}

export function hex(random: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[random.int(16)];
  return s;
}
