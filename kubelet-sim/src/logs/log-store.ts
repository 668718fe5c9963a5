// Container logs, kept the way a container runtime keeps them per container instance: the
// current instance's lines and the previous (last terminated) instance's, for
// `kubectl logs --previous`. Each line has its time, so `--since` and `--timestamps` work;
// followers get each new line as it is appended and an end when the instance terminates.
// `store.open(key)` starts a new instance (the old one becomes "previous"); `append`,
// `close`, `read(key, opts)`, `follow(key, onLine, onEnd)`. Lines per instance are capped.

export interface LogLine {
  time: number;
  text: string;
}

export interface ReadOptions {
  previous?: boolean;
  tailLines?: number;
  /** keep lines at or after this time (ms) */
  since?: number;
}

interface Instance {
  lines: LogLine[];
  closed: boolean;
  followers: Set<Follower>;
}

interface Follower {
  onLine: (line: LogLine) => void;
  onEnd: () => void;
}

interface Entry {
  current: Instance | undefined;
  previous: Instance | undefined;
}

export const MAX_LINES_PER_INSTANCE = 2000;

export class LogStore {
  #entries = new Map<string, Entry>();
  /** keys by pod prefix (everything before the container name) */
  #byPod = new Map<string, Set<string>>();

  #podOf(key: string): string {
    return key.slice(0, key.lastIndexOf('/') + 1);
  }

  /** start a new instance for `key` (a container of a pod) */
  open(key: string): void {
    const e = this.#entries.get(key) ?? { current: undefined, previous: undefined };
    if (e.current) this.#end(e.current);
    e.previous = e.current;
    e.current = { lines: [], closed: false, followers: new Set() };
    this.#entries.set(key, e);
    const pod = this.#podOf(key);
    let keys = this.#byPod.get(pod);
    if (!keys) this.#byPod.set(pod, (keys = new Set()));
    keys.add(key);
  }

  append(key: string, time: number, text: string): void {
    const cur = this.#entries.get(key)?.current;
    if (!cur || cur.closed) return;
    for (const part of text.split('\n')) {
      const line = { time, text: part };
      cur.lines.push(line);
      if (cur.lines.length > MAX_LINES_PER_INSTANCE) cur.lines.splice(0, cur.lines.length - MAX_LINES_PER_INSTANCE);
      for (const f of cur.followers) f.onLine(line);
    }
  }

  /** the instance terminated: followers end */
  close(key: string): void {
    const cur = this.#entries.get(key)?.current;
    if (cur) this.#end(cur);
  }

  /** drop every container of a pod: `prefix` is the key up to and including the last `/` */
  remove(prefix: string): void {
    const keys = this.#byPod.get(prefix);
    if (!keys) return;
    this.#byPod.delete(prefix);
    for (const k of keys) {
      const e = this.#entries.get(k);
      if (e?.current) this.#end(e.current);
      this.#entries.delete(k);
    }
  }

  has(key: string, previous = false): boolean {
    const e = this.#entries.get(key);
    return previous ? e?.previous !== undefined : e?.current !== undefined;
  }

  read(key: string, opts: ReadOptions = {}): LogLine[] {
    const e = this.#entries.get(key);
    const inst = opts.previous ? e?.previous : e?.current;
    if (!inst) return [];
    let lines = inst.lines;
    if (opts.since !== undefined) {
      const since = opts.since;
      lines = lines.filter((l) => l.time >= since);
    }
    if (opts.tailLines !== undefined && opts.tailLines >= 0) lines = lines.slice(Math.max(0, lines.length - opts.tailLines));
    return [...lines];
  }

  /** Follow the current instance; returns a function that stops following. `onEnd` runs at
   *  once if the instance is already closed. */
  follow(key: string, onLine: (line: LogLine) => void, onEnd: () => void): () => void {
    const cur = this.#entries.get(key)?.current;
    if (!cur || cur.closed) {
      onEnd();
      return () => {};
    }
    const f: Follower = { onLine, onEnd };
    cur.followers.add(f);
    return () => cur.followers.delete(f);
  }

  #end(inst: Instance): void {
    if (inst.closed) return;
    inst.closed = true;
    const fs = [...inst.followers];
    inst.followers.clear();
    for (const f of fs) f.onEnd();
  }
}
