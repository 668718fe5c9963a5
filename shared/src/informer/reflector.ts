// The reflector keeps a cache in step with the apiserver (client-go's Reflector):
// list (in pages) → hand the whole list to the sink (replace) → watch from the list's
// resourceVersion with bookmarks → hand each event to the sink, remembering the last
// resourceVersion seen. When the watch ends it re-watches from there; when the server
// says that version is gone (410) it lists again. Failures back off on the injected
// clock (800 ms doubling to 30 s, reset by progress). kubesim simplifies: no jitter, and
// a 410 relists at once unless the previous watch made no progress.

import type { KubeObject } from '../api/meta.ts';
import type { ResourceType } from '../api/resources.ts';
import type { Client, WatchStream } from '../client/types.ts';
import type { Clock } from '../clock.ts';
import { isAbortError } from '../clock.ts';
import { isGone } from '../errors.ts';
import type { Status } from '../errors.ts';
import { errorMessage, noopLogger } from '../logger-like.ts';
import type { LoggerLike } from '../logger-like.ts';

/** where the reflector delivers what it learns */
export interface ReflectorSink<T extends KubeObject> {
  /** the complete current set (after a list) */
  replace(items: T[], resourceVersion: string): void;
  added(obj: T): void;
  modified(obj: T): void;
  deleted(obj: T): void;
}

export interface ListWatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ReflectorOptions<T extends KubeObject> extends ListWatchOptions {
  client: Client;
  type: ResourceType<T>;
  clock: Clock;
  logger?: LoggerLike;
  /** list page size (default 500, as client-go); 0 lists in one page */
  pageSize?: number;
  /** asked of the server for each watch (default 300) */
  watchTimeoutSeconds?: number;
  backoff?: { initialMs: number; maxMs: number };
}

type WatchOutcome = 'gone' | 'ended' | 'failed';

export class Reflector<T extends KubeObject> {
  readonly #opts: ReflectorOptions<T>;
  readonly #sink: ReflectorSink<T>;
  readonly #log: LoggerLike;
  #lastRv = '';
  #backoffMs: number;
  #stream: WatchStream<T> | undefined;

  constructor(opts: ReflectorOptions<T>, sink: ReflectorSink<T>) {
    this.#opts = opts;
    this.#sink = sink;
    this.#log = opts.logger ?? noopLogger;
    this.#backoffMs = opts.backoff?.initialMs ?? 800;
  }

  /** the resourceVersion of the last list or event applied */
  lastSyncResourceVersion(): string {
    return this.#lastRv;
  }

  /** list and watch until `signal` aborts */
  async run(signal: AbortSignal): Promise<void> {
    const onAbort = (): void => this.#stream?.close();
    signal.addEventListener('abort', onAbort);
    let needList = true;
    try {
      while (!signal.aborted) {
        try {
          if (needList) {
            await this.#list(signal);
            if (signal.aborted) return;
            needList = false;
            this.#resetBackoff();
          }
          const { outcome, progressed } = await this.#watch(signal);
          if (signal.aborted) return;
          if (progressed) this.#resetBackoff();
          if (outcome === 'gone') needList = true;
          if (!progressed || outcome === 'failed') await this.#backoff(signal);
        } catch (err) {
          if (signal.aborted || isAbortError(err)) return;
          if (isGone(err)) needList = true;
          this.#log.warn({ resource: this.#opts.type.resource, err: errorMessage(err) }, 'list/watch failed, backing off');
          await this.#backoff(signal);
        }
      }
    } catch (err) {
      if (!isAbortError(err)) throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async #list(signal: AbortSignal): Promise<void> {
    const { client, type, pageSize = 500 } = this.#opts;
    const items: T[] = [];
    let rv: string | undefined;
    let cont: string | undefined;
    do {
      const page = await client.list(type, {
        ...this.#selectors(),
        ...(pageSize > 0 ? { limit: pageSize } : {}),
        ...(cont ? { continue: cont } : {}),
      });
      if (signal.aborted) return;
      rv ??= page.metadata.resourceVersion ?? '';
      items.push(...page.items);
      cont = page.metadata.continue || undefined;
    } while (cont);
    this.#lastRv = rv ?? '';
    this.#sink.replace(items, this.#lastRv);
  }

  async #watch(signal: AbortSignal): Promise<{ outcome: WatchOutcome; progressed: boolean }> {
    const { client, type, clock } = this.#opts;
    const started = clock.now();
    let progressed = false;
    const stream = client.watch(type, {
      ...this.#selectors(),
      resourceVersion: this.#lastRv,
      allowWatchBookmarks: true,
      timeoutSeconds: this.#opts.watchTimeoutSeconds ?? 300,
    });
    this.#stream = stream;
    if (signal.aborted) stream.close();
    try {
      for await (const ev of stream) {
        if (ev.type === 'ERROR') {
          const status = ev.object as unknown as Status;
          if (status.code === 410) return { outcome: 'gone', progressed };
          this.#log.warn({ resource: type.resource, code: status.code, message: status.message }, 'watch error event');
          return { outcome: 'failed', progressed };
        }
        const rv = ev.object.metadata?.resourceVersion;
        if (ev.type === 'ADDED') this.#sink.added(ev.object);
        else if (ev.type === 'MODIFIED') this.#sink.modified(ev.object);
        else if (ev.type === 'DELETED') this.#sink.deleted(ev.object);
        if (rv) this.#lastRv = rv;
        progressed = true;
      }
    } catch (err) {
      if (isGone(err)) return { outcome: 'gone', progressed };
      if (signal.aborted || isAbortError(err)) return { outcome: 'ended', progressed: true };
      this.#log.warn({ resource: type.resource, err: errorMessage(err) }, 'watch failed');
      return { outcome: 'failed', progressed };
    } finally {
      stream.close();
      this.#stream = undefined;
    }
    // a watch that ran its course is progress even when nothing changed
    return { outcome: 'ended', progressed: progressed || clock.now() - started >= 1000 };
  }

  #selectors(): ListWatchOptions {
    const { namespace, labelSelector, fieldSelector } = this.#opts;
    return {
      ...(namespace !== undefined ? { namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
    };
  }

  async #backoff(signal: AbortSignal): Promise<void> {
    const ms = this.#backoffMs;
    this.#backoffMs = Math.min(ms * 2, this.#opts.backoff?.maxMs ?? 30_000);
    await this.#opts.clock.sleep(ms, signal);
  }

  #resetBackoff(): void {
    this.#backoffMs = this.#opts.backoff?.initialMs ?? 800;
  }
}
