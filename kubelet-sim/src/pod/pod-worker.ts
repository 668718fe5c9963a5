// PodWorker: the lifecycle of one admitted pod on a virtual node, as the kubelet's pod
// worker runs it, without containers: mount volumes (referenced ConfigMaps and Secrets must
// exist), create the sandbox (a pod IP from the node's CIDR), run init containers one by one
// (sidecars, init containers with restartPolicy Always, keep running), start the app
// containers in order, restart exits per restartPolicy with CrashLoopBackOff, complete the
// pod, and on deletion run preStop, SIGTERM, kill at the grace period, then hand the pod back
// to the host for the final delete. Single containers run in container-runtime.ts; status is
// rendered by pod-status.ts. Every wait is a TimerQueue entry, so a VirtualClock drives it all.

import type { Random } from '@kubesim/shared';
import { goDuration } from '../duration.ts';
import { evaluateExec } from '../behaviour/shell.ts';
import type { ImageService } from '../node/image-service.ts';
import type { IpAllocator } from '../node/ip-allocator.ts';
import type { LogStore } from '../logs/log-store.ts';
import type { TimerQueue } from '../timer-queue.ts';
import type { ConfigMapLike, Pod, PodStatus } from '../types.ts';
import { podRequests } from './admission.ts';
import type { Backoff } from './backoff.ts';
import { SimContainer } from './container.ts';
import { ContainerRuntime, hex, SYNC_RETRY_MS } from './container-runtime.ts';
import { ConditionClock, renderPodStatus } from './pod-status.ts';

export { SYNC_RETRY_MS } from './container-runtime.ts';

export interface PodHost {
  readonly timers: TimerQueue;
  readonly random: Random;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly images: ImageService;
  readonly ips: IpAllocator;
  readonly backoff: Backoff;
  readonly logs: LogStore;
  /** a ConfigMap or Secret, or undefined when it does not exist */
  getConfig(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): Promise<ConfigMapLike | undefined>;
  event(w: PodWorker, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
  /** the status changed; the host writes it (coalesced) */
  statusChanged(w: PodWorker): void;
  /** the sandbox is up (pod IP known): serving ports may be exposed */
  sandboxReady(w: PodWorker): void;
  /** every container has stopped and the pod was being deleted: write status, then delete */
  terminated(w: PodWorker): void;
}

export type TerminalPhase = 'Succeeded' | 'Failed';


export class PodWorker {
  pod: Pod;
  readonly host: PodHost;
  readonly uid: string;
  readonly key: string;
  readonly init: SimContainer[];
  readonly main: SimContainer[];
  readonly conditions: ConditionClock;
  startTime: number;
  podIP: string | undefined;
  sandbox = false;
  initialized = false;
  /** set when the pod reached Succeeded/Failed (or was rejected at admission) */
  terminal: { phase: TerminalPhase; reason?: string; message?: string } | undefined;
  /** deletion or deadline: containers are being stopped */
  terminating: { deadline: number; deleting: boolean } | undefined;
  /** every container stopped after termination began */
  finished = false;
  closed = false;
  volumeError: string | undefined;
  readonly runtime: ContainerRuntime;
  /** the StatusWriter's record of its last write of this pod: a hash of the status (-1: write
   *  again even if unchanged), the resourceVersion the write made, and statusSummary of it */
  lastWrite: { hash: number; rv: number; summary: string } | undefined;
  #ipOwned = false;
  #requests: ReadonlyMap<string, number> | undefined;
  #requestsOf: Pod['spec'] | undefined;

  constructor(pod: Pod, host: PodHost) {
    this.pod = pod;
    this.host = host;
    this.uid = pod.metadata.uid ?? '';
    this.key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
    const now = host.timers.now();
    this.startTime = now;
    this.conditions = new ConditionClock(now);
    this.runtime = new ContainerRuntime(this);
    const phase = () => host.random.next() * 2 * Math.PI;
    this.init = (pod.spec.initContainers ?? []).map((c) => new SimContainer(pod, c, c.restartPolicy === 'Always' ? 'sidecar' : 'init', phase()));
    this.main = pod.spec.containers.map((c) => new SimContainer(pod, c, 'main', phase()));
    if (this.init.length === 0) {
      this.initialized = true;
      for (const c of this.main) c.state = { kind: 'waiting', reason: 'ContainerCreating' };
    }
  }

  get namespace(): string {
    return this.pod.metadata.namespace ?? 'default';
  }
  get name(): string {
    return this.pod.metadata.name ?? '';
  }
  get containers(): SimContainer[] {
    return [...this.init, ...this.main];
  }
  get restartPolicy(): string {
    return this.pod.spec.restartPolicy ?? 'Always';
  }
  /** `name_namespace(uid)`, as kubelet messages name a pod */
  get podRef(): string {
    return `${this.name}_${this.namespace}(${this.uid})`;
  }
  logKey(c: SimContainer): string {
    return `${this.namespace}/${this.name}/${this.uid}/${c.name}`;
  }

  /** podRequests of the pod, kept while its spec stays the same object (the informer keeps a
   *  spec that did not change; resources change only with a new spec) */
  requests(): ReadonlyMap<string, number> {
    if (this.#requestsOf !== this.pod.spec) {
      this.#requests = podRequests(this.pod);
      this.#requestsOf = this.pod.spec;
    }
    return this.#requests!;
  }

  status(): PodStatus {
    return renderPodStatus(this);
  }

  changed(): void {
    if (this.closed) return;
    this.conditions.observe(this, this.host.timers.now());
    this.host.statusChanged(this);
  }

  // ---- start -------------------------------------------------------------------------

  /** Begin running a freshly admitted pod. */
  start(): void {
    this.changed();
    this.#armDeadline();
    this.#mountVolumes();
  }

  /** Mark the pod rejected at admission (Failed, no containers run). */
  reject(reason: string, message: string): void {
    this.terminal = { phase: 'Failed', reason, message: `Pod was rejected: ${message}` };
    this.finished = true;
    this.host.event(this, 'Warning', reason, message);
    this.changed();
  }

  async #mountVolumes(): Promise<void> {
    if (this.closed || this.terminating) return;
    for (const v of this.pod.spec.volumes ?? []) {
      const refs: Array<{ kind: 'ConfigMap' | 'Secret'; name: string; optional: boolean }> = [];
      if (v.configMap?.name) refs.push({ kind: 'ConfigMap', name: v.configMap.name, optional: v.configMap.optional === true });
      if (v.secret?.secretName) refs.push({ kind: 'Secret', name: v.secret.secretName, optional: v.secret.optional === true });
      for (const s of v.projected?.sources ?? []) {
        if (s.configMap?.name) refs.push({ kind: 'ConfigMap', name: s.configMap.name, optional: s.configMap.optional === true });
        if (s.secret?.name) refs.push({ kind: 'Secret', name: s.secret.name, optional: s.secret.optional === true });
      }
      for (const r of refs) {
        if (r.optional) continue;
        const found = await this.host.getConfig(r.kind, this.namespace, r.name);
        if (this.closed || this.terminating) return;
        if (!found) {
          const msg = `MountVolume.SetUp failed for volume "${v.name}" : ${r.kind.toLowerCase()} "${r.name}" not found`;
          if (this.volumeError !== msg) this.host.event(this, 'Warning', 'FailedMount', msg);
          this.volumeError = msg;
          for (const c of this.containers) c.state = { kind: 'waiting', reason: 'ContainerCreating' };
          this.changed();
          this.host.timers.after(SYNC_RETRY_MS, () => void this.#mountVolumes());
          return;
        }
      }
    }
    this.volumeError = undefined;
    this.#createSandbox();
  }

  #createSandbox(): void {
    if (this.pod.spec.hostNetwork) this.podIP = this.host.hostIP;
    else if (!this.podIP) {
      this.podIP = this.host.ips.allocate(this.key);
      this.#ipOwned = this.podIP !== undefined;
      if (!this.podIP) {
        this.host.event(this, 'Warning', 'FailedCreatePodSandBox', 'Failed to create pod sandbox: no IP addresses available in range set');
        this.host.timers.after(SYNC_RETRY_MS, () => this.#createSandbox());
        return;
      }
    }
    this.sandbox = true;
    for (const c of this.containers) if (c.state.kind === 'waiting' && !c.everRan) c.state = { kind: 'waiting', reason: c.role === 'main' && this.init.length > 0 ? 'PodInitializing' : 'ContainerCreating' };
    this.host.sandboxReady(this);
    this.changed();
    this.#nextInit();
  }

  /** start the first init container that has not completed; then the app containers */
  #nextInit(): void {
    if (this.closed || this.terminating || this.terminal) return;
    for (const c of this.init) {
      if (c.role === 'init' && c.state.kind === 'terminated' && c.state.exitCode === 0) continue;
      if (c.role === 'sidecar' && c.startedOnce) continue;
      if (c.launched) return; // still starting, running or restarting
      this.runtime.create(c, () => {
        if (c.role === 'sidecar') this.#nextInit();
      });
      return;
    }
    if (!this.initialized) {
      this.initialized = true;
      for (const c of this.main) if (!c.everRan) c.state = { kind: 'waiting', reason: 'ContainerCreating' };
      this.changed();
    }
    this.#startMain(0);
  }

  /** the app containers start one after another, as SyncPod starts them in order */
  #startMain(i: number): void {
    const c = this.main[i];
    if (!c) return;
    if (c.launched) return this.#startMain(i + 1);
    this.runtime.create(c, () => this.#startMain(i + 1));
  }

  /** a sidecar's startup probe passed: the next init container may go */
  sidecarStarted(): void {
    this.#nextInit();
  }

  /** the runtime reports that an instance of `c` ended */
  containerExited(c: SimContainer): void {
    this.#afterExit(c);
  }

  #afterExit(c: SimContainer): void {
    if (this.terminating) {
      this.#maybeFinishTermination();
      return;
    }
    if (this.terminal) {
      if (this.containers.every((x) => x.state.kind !== 'running')) this.#teardownSandbox();
      return;
    }
    const exit = c.state.kind === 'terminated' ? c.state.exitCode : 0;
    if (c.role === 'sidecar') return this.#restart(c);
    if (c.role === 'init') {
      if (exit === 0) return this.#nextInit();
      if (this.restartPolicy === 'Never') return this.#complete();
      return this.#restart(c);
    }
    const restart = this.restartPolicy === 'Always' || (this.restartPolicy === 'OnFailure' && exit !== 0);
    if (restart) return this.#restart(c);
    if (this.main.every((m) => m.state.kind === 'terminated')) this.#complete();
  }

  /** restart `c` now or after its CrashLoopBackOff delay */
  #restart(c: SimContainer): void {
    const key = `${this.uid}/${c.name}`;
    const now = this.host.timers.now();
    const { at, delay } = this.host.backoff.retryAt(key, now);
    const go = (): void => {
      this.host.backoff.retried(key, this.host.timers.now());
      this.runtime.create(c, () => {});
    };
    if (delay === 0) return go();
    if (c.state.kind === 'terminated') c.lastTerminated = c.state;
    c.state = {
      kind: 'waiting',
      reason: 'CrashLoopBackOff',
      message: `back-off ${goDuration(delay)} restarting failed container=${c.name} pod=${this.podRef}`,
    };
    this.host.event(this, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${this.podRef}`, c.fieldPath);
    c.bump();
    c.schedule(this.host.timers, at, go);
  }

  /** every app container is done and none restarts (or an init container failed for good) */
  #complete(reason?: string, message?: string): void {
    const failedInit = this.init.some((c) => c.role === 'init' && c.state.kind === 'terminated' && c.state.exitCode !== 0);
    const allOk = !failedInit && this.main.every((c) => c.state.kind === 'terminated' && c.state.exitCode === 0);
    this.terminal = { phase: allOk && !reason ? 'Succeeded' : 'Failed', ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
    for (const c of this.containers) {
      if (c.state.kind === 'running') this.runtime.stop(c, this.#graceMs());
      else if (c.state.kind === 'waiting') c.bump();
    }
    if (this.containers.every((c) => c.state.kind !== 'running')) this.#teardownSandbox();
    this.changed();
  }

  #teardownSandbox(): void {
    if (this.#ipOwned) this.host.ips.release(this.podIP);
    this.#ipOwned = false;
    this.sandbox = false;
  }

  #graceMs(): number {
    const g = this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, g) * 1000;
  }

  #armDeadline(): void {
    const d = this.pod.spec.activeDeadlineSeconds;
    if (d === undefined) return;
    this.host.timers.at(this.startTime + d * 1000, () => {
      if (this.closed || this.terminal || this.terminating) return;
      const msg = 'Pod was active on the node longer than the specified deadline';
      this.host.event(this, 'Normal', 'DeadlineExceeded', msg);
      this.#complete('DeadlineExceeded', msg);
    });
  }

  // ---- updates and deletion ----------------------------------------------------------

  /** a newer version of the pod arrived from the watch */
  update(pod: Pod): void {
    this.pod = pod;
    if (!pod.metadata.deletionTimestamp || this.terminating || this.closed) return;
    if (this.finished) {
      // nothing runs any more (rejected, or finished before): straight to the final delete
      this.terminating = { deadline: this.host.timers.now(), deleting: true };
      this.host.terminated(this);
      return;
    }
    this.#beginTermination();
  }

  #beginTermination(): void {
    const now = this.host.timers.now();
    const grace = this.#graceMs();
    this.terminating = { deadline: now + grace, deleting: true };
    for (const c of this.containers) {
      if (c.state.kind !== 'running') {
        c.bump();
        continue;
      }
      if (c.stopping) continue;
      this.host.event(this, 'Normal', 'Killing', `Stopping container ${c.name}`, c.fieldPath);
      const hook = c.spec.lifecycle?.preStop;
      const hookMs = hook?.sleep ? hook.sleep.seconds * 1000 : hook?.exec ? evaluateExec(hook.exec.command).ms : 0;
      if (hookMs > 0) {
        this.runtime.log(c, `kubesim: running preStop hook (${goDuration(Math.min(hookMs, grace))})`);
        c.ready = false;
        c.schedule(this.host.timers, now + Math.min(hookMs, grace), () => this.runtime.stop(c, Math.max(0, now + grace - this.host.timers.now())));
      } else {
        this.runtime.stop(c, grace);
      }
    }
    // the grace period is over: anything left is killed
    this.host.timers.at(now + grace, () => {
      if (this.closed) return;
      for (const c of this.containers) if (c.state.kind === 'running') this.runtime.exit(c, 137, 'Error', true);
    });
    this.changed();
    this.#maybeFinishTermination();
  }

  #maybeFinishTermination(): void {
    if (!this.terminating || this.finished) return;
    if (this.containers.some((c) => c.state.kind === 'running')) return;
    this.finished = true;
    const now = this.host.timers.now();
    for (const c of this.containers) {
      c.bump();
      if (c.state.kind === 'waiting') {
        if (c.everRan || this.terminal === undefined) {
          c.state = {
            kind: 'terminated',
            exitCode: 137,
            reason: 'ContainerStatusUnknown',
            message: 'The container could not be located when the pod was terminated',
            finishedAt: now,
          };
        }
      }
    }
    if (!this.terminal) {
      const ok = this.main.every((c) => c.state.kind === 'terminated' && c.state.exitCode === 0);
      this.terminal = { phase: ok ? 'Succeeded' : 'Failed' };
    }
    this.#teardownSandbox();
    this.changed();
    this.host.terminated(this);
  }

  /** the pod is gone (deleted) or its node stopped: drop everything, write nothing more */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.containers) c.bump();
    this.#teardownSandbox();
    this.host.logs.remove(`${this.namespace}/${this.name}/${this.uid}/`);
    this.host.backoff.forget(`${this.uid}/`);
  }

  // ---- adoption after a restart ------------------------------------------------------

  /** Continue a pod a previous kubelet-sim already ran (its status says so): running
   *  containers keep their start time and restart count, finished ones stay finished. */
  adopt(): void {
    const st = this.pod.status ?? {};
    const parse = (s: string | undefined): number | undefined => (s ? Date.parse(s) : undefined);
    this.startTime = parse(st.startTime) ?? this.startTime;
    if (st.phase === 'Succeeded' || st.phase === 'Failed') {
      this.terminal = { phase: st.phase, ...(st.reason ? { reason: st.reason } : {}), ...(st.message ? { message: st.message } : {}) };
      this.finished = true;
    }
    if (st.podIP && !this.pod.spec.hostNetwork && !this.terminal) {
      this.#ipOwned = this.host.ips.reserve(st.podIP, this.key);
      if (this.#ipOwned) this.podIP = st.podIP;
    } else if (this.terminal && st.podIP) this.podIP = st.podIP;
    const statuses = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])];
    for (const c of this.containers) {
      const s = statuses.find((x) => x.name === c.name && (c.role === 'main') === (st.containerStatuses ?? []).includes(x));
      if (!s) continue;
      c.restartCount = s.restartCount ?? 0;
      const last = s.lastState?.terminated;
      if (last) c.lastTerminated = { kind: 'terminated', exitCode: last.exitCode, reason: last.reason ?? 'Error', finishedAt: parse(last.finishedAt) ?? 0, ...(last.startedAt ? { startedAt: Date.parse(last.startedAt) } : {}) };
      const term = s.state?.terminated;
      if (term) {
        c.everRan = true;
        c.state = { kind: 'terminated', exitCode: term.exitCode, reason: term.reason ?? 'Error', finishedAt: parse(term.finishedAt) ?? this.startTime, ...(term.startedAt ? { startedAt: Date.parse(term.startedAt) } : {}) };
        if (s.containerID) c.containerID = s.containerID;
      } else if (s.state?.running && !this.terminal && this.podIP !== undefined) {
        c.everRan = true;
        c.containerID = s.containerID ?? `kubesim://${hex(this.host.random, 64)}`;
        const startedAt = parse(s.state.running.startedAt) ?? this.host.timers.now();
        c.state = { kind: 'running', startedAt };
        this.host.logs.open(this.logKey(c));
        this.runtime.startProbes(c, startedAt);
        this.runtime.runBehaviour(c, startedAt);
      } else if (c.restartCount > 0 || last) {
        c.everRan = true;
      }
      c.launched = c.everRan;
      c.startedOnce = c.everRan;
    }
    if (this.terminal) {
      this.changed();
      return;
    }
    this.#armDeadline();
    if (this.podIP === undefined) {
      this.changed();
      void this.#mountVolumes();
      return;
    }
    this.sandbox = true;
    this.host.sandboxReady(this);
    this.initialized = this.init.every((c) => (c.role === 'init' ? c.state.kind === 'terminated' && c.state.exitCode === 0 : c.everRan));
    this.changed();
    if (!this.initialized) return this.#nextInit();
    for (const c of this.containers) {
      if (c.state.kind === 'running') continue;
      if (c.role === 'init') continue;
      if (c.state.kind === 'terminated') {
        this.#afterExit(c);
        continue;
      }
      if (!c.everRan) continue;
      this.#restart(c);
    }
    this.#startMain(0);
  }
}

