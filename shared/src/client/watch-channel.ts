// A WatchStream fed from the producing side: the producer calls push(event) as events
// arrive and end() (or fail(err)) when the stream is over; the consumer iterates it and
// may close() it early, which ends the iteration and calls the producer's onClose (to
// abort a request or unsubscribe). Events pushed before iteration starts are buffered.
// Used by the HTTP client, the fake client, and any in-process client.

import type { KubeObject, WatchEvent } from '../api/meta.ts';
import type { WatchStream } from './types.ts';

export class WatchChannel<T extends KubeObject = KubeObject> implements WatchStream<T> {
  #buffer: WatchEvent<T>[] = [];
  #head = 0;
  #ended = false;
  #error: unknown = undefined;
  #wake: (() => void) | undefined;
  #onClose: (() => void) | undefined;

  constructor(onClose?: () => void) {
    this.#onClose = onClose;
  }

  /** true once ended, failed or closed: later pushes are dropped */
  get ended(): boolean {
    return this.#ended;
  }

  push(event: WatchEvent<T>): void {
    if (this.#ended) return;
    this.#buffer.push(event);
    this.#notify();
  }

  /** the stream is over: the consumer sees the buffered events, then the end */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** the stream broke: the consumer sees the buffered events, then `err` is thrown */
  fail(err: unknown): void {
    if (this.#ended) return;
    this.#error = err ?? new Error('watch failed');
    this.end();
  }

  close(): void {
    if (!this.#ended) {
      this.#buffer = [];
      this.#head = 0;
      this.end();
    }
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    try {
      for (;;) {
        if (this.#head < this.#buffer.length) {
          const ev = this.#buffer[this.#head++]!;
          if (this.#head > 256 && this.#head * 2 > this.#buffer.length) {
            this.#buffer = this.#buffer.slice(this.#head);
            this.#head = 0;
          }
          yield ev;
          continue;
        }
        if (this.#ended) {
          if (this.#error !== undefined) throw this.#error;
          return;
        }
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      // a consumer that stops iterating (break/return/throw) is done with the watch
      this.close();
    }
  }
}
