// The kubelet's status manager, batched: workers mark themselves dirty; a flush (after a
// short batch window, 100 ms by default, so a pod that starts at once is written once, as
// Running) renders each dirty pod's status when its write gets a slot, and sends it as a
// merge patch to pods/status — only when it differs from the last one written. A pod whose termination finished gets its final status written, then is deleted
// with gracePeriodSeconds 0 (preconditioned on its uid), as the kubelet does. Writes go
// through the Limiter; a failed write is retried after a second.

import type { Client, LoggerLike } from '@kubesim/shared';
import { errorMessage, isConflict, isInvalid, isNotFound } from '@kubesim/shared';
import type { TimerQueue } from '../timer-queue.ts';
import { podType } from '../types.ts';
import type { Limiter } from '../util/limiter.ts';
import type { PodWorker } from './pod-worker.ts';

const RETRY_MS = 1000;

export interface StatusWriterDeps {
  client: Client;
  limiter: Limiter;
  timers: TimerQueue;
  logger: LoggerLike;
  /** the pod is gone from the server: drop its worker */
  gone(w: PodWorker): void;
  /** how long changes gather before a flush (ms; default 100) */
  batchMs?: number;
}

export class StatusWriter {
  readonly #deps: StatusWriterDeps;
  #dirty = new Set<PodWorker>();
  #final = new Set<PodWorker>();
  #inFlight = new Set<PodWorker>();
  /** a hash of the last status written per pod (a full copy would cost ~2 KB a pod) */
  #lastWritten = new WeakMap<PodWorker, number>();
  #scheduled = false;
  #idleWaiters: Array<() => void> = [];
  /** how many status patches and deletes were sent */
  readonly counts = { patches: 0, deletes: 0, skipped: 0 };

  constructor(deps: StatusWriterDeps) {
    this.#deps = deps;
  }

  mark(w: PodWorker): void {
    this.#dirty.add(w);
    this.#schedule();
  }

  /** write the final status, then delete the pod */
  markFinal(w: PodWorker): void {
    this.#final.add(w);
    this.mark(w);
  }

  /** pending + in-flight work */
  get backlog(): number {
    return this.#dirty.size + this.#inFlight.size;
  }

  /** resolves when nothing is waiting or in flight */
  idle(): Promise<void> {
    if (this.backlog === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#deps.timers.after(this.#deps.batchMs ?? 100, () => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    for (const w of this.#dirty) {
      if (this.#inFlight.has(w)) continue; // written again when the current write ends
      this.#dirty.delete(w);
      if (w.closed) continue;
      this.#inFlight.add(w);
      void this.#write(w).finally(() => {
        this.#inFlight.delete(w);
        if (this.#dirty.has(w)) this.#schedule();
        if (this.backlog === 0) for (const r of this.#idleWaiters.splice(0)) r();
      });
    }
  }

  async #write(w: PodWorker): Promise<void> {
    const { client, limiter, logger } = this.#deps;
    const final = this.#final.has(w);
    try {
      // render when the write gets its slot, so a backlog sends fresh statuses
      await limiter.run(async () => {
        if (w.closed) return;
        const status = w.status();
        const json = hashText(JSON.stringify(status));
        if (json === this.#lastWritten.get(w)) {
          this.counts.skipped++;
          return;
        }
        const body: Record<string, unknown> = { ...status };
        // a merge patch keeps fields it does not mention: clear the ones no longer reported
        for (const k of ['reason', 'message'] as const) if (status[k] === undefined) body[k] = null;
        await client.patch(podType, w.name, { metadata: { uid: w.uid }, status: body }, { type: 'merge', subresource: 'status', namespace: w.namespace });
        this.#lastWritten.set(w, json);
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

/** 32-bit FNV-1a of a string, to tell whether a status changed */
function hashText(text: string): number {
  let h = 0x811c9dc5 | 0; // kept a 32-bit integer throughout (a double start deopts the loop)
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
