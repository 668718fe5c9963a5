// One simulated container of a pod: its spec, its behaviour (from command/args), its tuning
// (from kubesim.io annotations) and the state the kubelet reports — waiting / running /
// terminated, lastState, restartCount, ready, started. A container "instance" is one run;
// `epoch` counts instances and stops, and every timer or async step of an instance checks
// it, so nothing from an old run fires into a new one. The PodWorker drives transitions;
// this class only holds state, timers and the status it renders.

import { timeText as formatTime } from '../util/time-text.ts';
import { containerTuning } from '../behaviour/annotations.ts';
import type { ContainerTuning } from '../behaviour/annotations.ts';
import { imageID, normalizeImage, wellKnownServerPort } from '../behaviour/images.ts';
import { parseBehaviour } from '../behaviour/shell.ts';
import type { Behaviour } from '../behaviour/shell.ts';
import type { QueuedTimer, TimerQueue } from '../timer-queue.ts';
import type { Container, ContainerState, ContainerStatus, Pod } from '../types.ts';
import { usageModel } from '../usage/model.ts';
import type { UsageModel } from '../usage/model.ts';

export type Role = 'init' | 'sidecar' | 'main';

export type SimState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: number }
  | { kind: 'terminated'; exitCode: number; reason: string; message?: string; startedAt?: number; finishedAt: number; containerID?: string };

export interface ProbeCounters {
  successes: number;
  failures: number;
}

export class SimContainer {
  readonly spec: Container;
  readonly role: Role;
  readonly tuning: ContainerTuning;
  readonly behaviour: Behaviour;
  /** ports the container answers HTTP on (declared ports, else a well-known image's port) */
  readonly servedPorts: number[];
  readonly usage: UsageModel;
  state: SimState;
  lastTerminated: Extract<SimState, { kind: 'terminated' }> | undefined;
  restartCount = 0;
  ready = false;
  started = false;
  everRan = false;
  /** the start pipeline took this container (creating, running, restarting) */
  launched = false;
  /** `started` was true at least once (a sidecar then lets the next init container go) */
  startedOnce = false;
  containerID: string | undefined;
  /** SIGTERM was sent to the current instance */
  stopping = false;
  epoch = 0;
  probes: Record<'readiness' | 'liveness' | 'startup', ProbeCounters> = {
    readiness: { successes: 0, failures: 0 },
    liveness: { successes: 0, failures: 0 },
    startup: { successes: 0, failures: 0 },
  };
  #timers: QueuedTimer[] = [];

  constructor(pod: Pod, spec: Container, role: Role, phase: number) {
    this.spec = spec;
    this.role = role;
    this.tuning = containerTuning(pod, spec.name);
    this.behaviour = parseBehaviour(spec.command, spec.args);
    const declared = (spec.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort);
    const known = spec.command?.length ? undefined : wellKnownServerPort(spec.image);
    this.servedPorts = this.behaviour.server ? (declared.length > 0 ? declared : known !== undefined ? [known] : []) : [];
    this.usage = usageModel(spec, this.tuning, this.behaviour, phase);
    this.state = { kind: 'waiting', reason: 'PodInitializing' };
  }

  get name(): string {
    return this.spec.name;
  }

  get running(): boolean {
    return this.state.kind === 'running';
  }

  get fieldPath(): string {
    return this.role === 'main' ? `spec.containers{${this.name}}` : `spec.initContainers{${this.name}}`;
  }

  /** run `fn` after `ms` unless the instance changed (epoch) or timers were cleared */
  schedule(timers: TimerQueue, atMs: number, fn: () => void): void {
    const ep = this.epoch;
    this.#timers.push(
      timers.at(atMs, () => {
        if (this.epoch === ep) fn();
      }),
    );
    if (this.#timers.length > 32) this.#timers = this.#timers.filter((t) => t.at >= timers.now());
  }

  /** end the current instance's timers and async steps */
  bump(): void {
    this.epoch++;
    for (const t of this.#timers) t.cancel();
    this.#timers = [];
  }

  resetProbes(): void {
    for (const p of Object.values(this.probes)) {
      p.successes = 0;
      p.failures = 0;
    }
  }

  status(podIP: string | undefined): ContainerStatus {
    void podIP;
    const image = this.spec.image ?? '';
    const ranOnce = this.everRan;
    const out: ContainerStatus = {
      name: this.name,
      state: renderState(this.state, this.containerID),
      lastState: this.lastTerminated ? renderState(this.lastTerminated, this.lastTerminated.containerID) : {},
      ready: this.ready,
      restartCount: this.restartCount,
      image: ranOnce ? normalizeImage(image) : image,
      imageID: ranOnce ? imageID(image) : '',
      started: this.started,
    };
    if (this.containerID && this.state.kind !== 'waiting') out.containerID = this.containerID;
    else if (this.state.kind === 'waiting' && this.lastTerminated?.containerID) out.containerID = this.lastTerminated.containerID;
    return out;
  }
}

export function renderState(s: SimState, containerID: string | undefined): ContainerState {
  switch (s.kind) {
    case 'waiting':
      return { waiting: s.message !== undefined ? { reason: s.reason, message: s.message } : { reason: s.reason } };
    case 'running':
      return { running: { startedAt: formatTime(s.startedAt) } };
    case 'terminated': {
      const t: NonNullable<ContainerState['terminated']> = { exitCode: s.exitCode, reason: s.reason };
      if (s.message !== undefined) t.message = s.message;
      if (s.startedAt !== undefined) t.startedAt = formatTime(s.startedAt);
      t.finishedAt = formatTime(s.finishedAt);
      const id = s.containerID ?? containerID;
      if (id) t.containerID = id;
      return { terminated: t };
    }
  }
}
