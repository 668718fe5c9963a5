// The kubelet's status manager, batched: workers mark themselves dirty; a pod's status is
// written once it has been dirty for a short batch window (100 ms by default, so a pod that
// starts at once is written once, as Running), rendered when its write goes out, and sent as
// a merge patch to pods/status — only when it differs from the last one written. Changes
// made while a pod waits, or while its previous write is in flight, are coalesced into its
// next write, as the kubelet's status manager does. At most `maxInFlight` writes run at
// once; the rest wait in a queue (oldest first) as plain entries, not as pending requests.
// A pod whose termination finished gets its final status written, then is deleted with
// gracePeriodSeconds 0 (preconditioned on its uid), as the kubelet does. A failed write is
// retried after a second. When a newer copy of the pod shows that someone else changed what
// the kubelet reports (the node lifecycle controller sets Ready=False on the pods of an
// unreachable node), the kubelet's status is written again (the status manager's
// needsReconcile); kubesim compares the phase and the kubelet's own conditions.

import type { Client, LoggerLike } from '@kubesim/shared';
import { errorMessage, Fifo, isConflict, isInvalid, isNotFound } from '@kubesim/shared';
import type { QueuedTimer, TimerQueue } from '../timer-queue.ts';
import { podType } from '../types.ts';
import type { Pod, PodStatus } from '../types.ts';
import type { Limiter } from '../util/limiter.ts';
import type { PodWorker } from './pod-worker.ts';

const RETRY_MS = 1000;

export interface StatusWriterDeps {
  client: Client;
  /** the process's lane for pod API calls (shared with ConfigMap reads and the like) */
  limiter: Limiter;
  timers: TimerQueue;
  logger: LoggerLike;
  /** the pod is gone from the server: drop its worker */
  gone(w: PodWorker): void;
  /** how long changes gather before a write (ms; default 100) */
  batchMs?: number;
  /** status writes in flight at once (default: the limiter's size) */
  maxInFlight?: number;
}

export class StatusWriter {
  readonly #deps: StatusWriterDeps;
  readonly #batchMs: number;
  readonly #maxInFlight: number;
  /** pods waiting for a write → when they first became dirty */
  #dirty = new Map<PodWorker, number>();
  /** the same pods in the order they became dirty */
  #queue = new Fifo<PodWorker>();
  /** pods that changed while their write was in flight → since when; queued when it ends */
  #again = new Map<PodWorker, number>();
  #final = new Set<PodWorker>();
  #inFlight = new Set<PodWorker>();
  #wakeup: QueuedTimer | undefined;
  #idleWaiters: Array<() => void> = [];
  /** how many status patches and deletes were sent, renders found unchanged, and rewrites
   *  because someone else had changed the status */
  readonly counts = { patches: 0, deletes: 0, skipped: 0, reconciled: 0 };

  constructor(deps: StatusWriterDeps) {
    this.#deps = deps;
    this.#batchMs = deps.batchMs ?? 100;
    this.#maxInFlight = Math.max(1, deps.maxInFlight ?? deps.limiter.max);
  }

  mark(w: PodWorker): void {
    this.#enqueue(w, this.#deps.timers.now());
  }

  /** write the final status, then delete the pod */
  markFinal(w: PodWorker): void {
    this.#final.add(w);
    this.mark(w);
  }

  /**
   * A newer copy of the pod from the watch: if it no longer reports what our last write did
   * (phase, the kubelet's conditions), someone else changed it; write our status again.
   */
  observed(w: PodWorker, pod: Pod): void {
    if (w.closed || this.#dirty.has(w) || this.#inFlight.has(w)) return;
    const seen = w.lastWrite;
    if (!seen || !(Number(pod.metadata.resourceVersion) > seen.rv)) return;
    if (statusSummary(pod.status) === seen.summary) return;
    seen.hash = -1;
    this.counts.reconciled++;
    this.mark(w);
  }

  /** pods waiting to be written plus writes in flight */
  get backlog(): number {
    return this.#dirty.size + this.#inFlight.size;
  }

  /** resolves when nothing is waiting or in flight */
  idle(): Promise<void> {
    if (this.backlog === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #enqueue(w: PodWorker, since: number): void {
    if (this.#inFlight.has(w)) {
      if (!this.#again.has(w)) this.#again.set(w, since); // written again when this write ends
      return;
    }
    if (this.#dirty.has(w)) return;
    this.#dirty.set(w, since);
    this.#queue.push(w);
    this.#wakeAt(since + this.#batchMs);
  }

  #wakeAt(at: number): void {
    if (this.#wakeup && this.#wakeup.at <= at) return;
    this.#wakeup?.cancel();
    this.#wakeup = this.#deps.timers.at(at, () => {
      this.#wakeup = undefined;
      this.#pump();
    });
  }

  /** start writes for the oldest dirty pods whose batch window has passed, while slots are free */
  #pump(): void {
    const now = this.#deps.timers.now();
    while (this.#inFlight.size < this.#maxInFlight && this.#queue.length > 0) {
      const w = this.#queue.peek()!;
      const since = this.#dirty.get(w) ?? now;
      if (since + this.#batchMs > now) {
        this.#wakeAt(since + this.#batchMs);
        return;
      }
      this.#queue.shift();
      this.#dirty.delete(w);
      if (w.closed) continue;
      this.#inFlight.add(w);
      void this.#write(w).finally(() => {
        this.#inFlight.delete(w);
        const since = this.#again.get(w);
        if (since !== undefined) {
          this.#again.delete(w);
          if (!w.closed) this.#enqueue(w, since);
        }
        this.#pump(); // a slot is free (a write that ends is what pumps when all are busy)
        if (this.backlog === 0) for (const r of this.#idleWaiters.splice(0)) r();
      });
    }
  }

  async #write(w: PodWorker): Promise<void> {
    const { client, limiter, logger } = this.#deps;
    const final = this.#final.has(w);
    try {
      // rendered when the write gets its slot, so it carries every change made until then
      await limiter.run(async () => {
        if (w.closed) return;
        const status = w.status();
        const hash = hashText(JSON.stringify(status));
        if (hash === w.lastWrite?.hash) {
          this.counts.skipped++;
          return;
        }
        const summary = statusSummary(status);
        // a merge patch keeps fields it does not mention: clear the ones no longer reported
        // (set on the freshly rendered status itself, which nothing else holds)
        const body = status as Record<string, unknown>;
        if (status.reason === undefined) body['reason'] = null;
        if (status.message === undefined) body['message'] = null;
        // only the resourceVersion of the answer is read: ask for its metadata alone
        const written = await client.patch(podType, w.name, { metadata: { uid: w.uid }, status: body }, { type: 'merge', subresource: 'status', namespace: w.namespace, answer: 'metadata' });
        w.lastWrite = { hash, rv: Number(written.metadata.resourceVersion), summary };
        this.counts.patches++;
      });
      if (final && !w.closed) {
        this.#final.delete(w);
        await limiter.run(() =>
          client.delete(podType, w.name, { namespace: w.namespace, gracePeriodSeconds: 0, preconditions: { uid: w.uid } }),
        );
        this.counts.deletes++;
        this.#deps.gone(w);
      }
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) {
        // deleted, or replaced by a new pod of the same name: this worker is done
        this.#deps.gone(w);
        return;
      }
      if (isInvalid(err)) {
        // a bug in the status we render, not a transient failure: say so once, do not loop
        logger.error({ pod: w.key, err: errorMessage(err) }, 'pod status rejected as invalid');
        return;
      }
      logger.warn({ pod: w.key, err: errorMessage(err) }, 'pod status write failed; retrying');
      this.#deps.timers.after(RETRY_MS, () => this.mark(w));
    }
  }
}

const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'];

/** what the kubelet reports that others may overwrite: the phase and its conditions' statuses */
function statusSummary(status: PodStatus | undefined): string {
  let text = status?.phase ?? '';
  for (const type of KUBELET_CONDITIONS) text += `|${status?.conditions?.find((c) => c.type === type)?.status ?? '-'}`;
  return text;
}

/** FNV-1a of a string (its low 30 bits: a small integer V8 keeps unboxed; the unsigned
 *  32-bit value made the optimized code give up again and again), to tell whether a
 *  status changed; never -1 */
function hashText(text: string): number {
  let h = 0x811c9dc5 | 0; // kept a 32-bit integer throughout (a double start deopts the loop)
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}
