// Watches over HTTP: one chunked response of newline-separated `{"type","object"}` JSON
// events, open until the client leaves, timeoutSeconds passes or the registry ends it.
// Plain-JSON watchers share each event's serialized line, already framed as an HTTP/1.1
// chunk and written straight to the socket (the response only sends the headers and, at
// the end, the last chunk), and the events of one event-loop turn go out as one write
// (writeCoalesced): fan-out to many watchers costs one socket write each per turn. Table
// watchers (kubectl get -w) get a one-row Table per event from toTable. A watcher that
// stops reading is cut off once its unsent output passes `maxBufferedBytes`: memory stays
// bounded and the client re-watches (or relists on 410) as it would against Kubernetes.
import type { ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { ApiError, KubeObject, ResourceType } from '@kubesim/shared';
import { apiVersionOf } from '@kubesim/shared';
import type { CachedObject, Registry, WatchHandle, WatchSink } from '../registry/registry.ts';
import { frameChunk } from '../registry/watch.ts';
import type { WatchOptions } from '@kubesim/shared';
import { toTable } from '../table/index.ts';

export interface WatchOutput {
  /** write one complete event (already serialized, newline included); false = cut off */
  write(text: string | Buffer): boolean;
  /** when present: write an event already framed as an HTTP/1.1 chunk */
  writeChunk?(chunk: Buffer): boolean;
  end(): void;
}

export interface WatchRenderOptions {
  table?: { includeObject: 'None' | 'Metadata' | 'Object'; now: () => number };
}

function tableLine(type: ResourceType, eventType: string, obj: KubeObject, opts: NonNullable<WatchRenderOptions['table']>): string | undefined {
  try {
    const table = toTable(type, [obj], { includeObject: opts.includeObject, now: opts.now(), resourceVersion: obj.metadata.resourceVersion ?? '' });
    return `{"type":"${eventType}","object":${JSON.stringify(table)}}\n`;
  } catch {
    return undefined;
  }
}

/** a registry WatchSink that renders into `out` (buffering until `open()`) */
export function renderingSink(type: ResourceType, out: WatchOutput, render: WatchRenderOptions, onCutOff: () => void): WatchSink & { open(): void } {
  // events before open() wait here; `true` marks a framed chunk
  let pending: Array<[string | Buffer, boolean]> | undefined = [];
  let finished = false;
  const put = (data: string | Buffer, framed: boolean): void => {
    if (finished) return;
    if (pending) {
      pending.push([data, framed]);
      return;
    }
    if (!(framed ? out.writeChunk!(data as Buffer) : out.write(data))) {
      finished = true;
      onCutOff();
    }
  };
  const emit = (text: string | Buffer): void => put(text, false);
  return {
    open() {
      const p = pending ?? [];
      pending = undefined;
      for (const [data, framed] of p) {
        if (finished) break;
        put(data, framed);
      }
    },
    send(eventType, obj: CachedObject, line, chunk) {
      if (render.table) {
        const l = tableLine(type, eventType, obj.obj, render.table);
        if (l) return emit(l);
      }
      if (out.writeChunk) put(chunk(), true);
      else emit(line());
    },
    bookmark(revision, initialEventsEnd) {
      const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
      if (initialEventsEnd) metadata['annotations'] = { 'k8s.io/initial-events-end': 'true' };
      emit(`{"type":"BOOKMARK","object":${JSON.stringify({ kind: type.kind, apiVersion: apiVersionOf(type), metadata })}}\n`);
    },
    error(err: ApiError) {
      emit(`{"type":"ERROR","object":${JSON.stringify(err.status)}}\n`);
      if (pending) return;
      finished = true;
      out.end();
    },
    end() {
      if (pending) return;
      finished = true;
      out.end();
    },
  };
}

// Write coalescing: a socket that gets an event is corked until the end of the event-loop
// turn, so that the events of one turn (a burst of writes fans out many) leave as one
// write: one TLS record and one syscall per watcher per turn instead of per event, and
// the client reads them at once. One setImmediate flushes every socket corked in the turn.
const corked = new Set<Socket>();
let flushScheduled = false;

function flushCorked(): void {
  flushScheduled = false;
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/** write `chunk` to `socket` in this turn's coalesced write */
export function writeCoalesced(socket: Socket, chunk: Buffer): void {
  if (!corked.has(socket)) {
    socket.cork();
    corked.add(socket);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushCorked);
    }
  }
  socket.write(chunk);
}

/** serve a watch on a raw HTTP response; resolves when the watch has started */
export async function serveHttpWatch(
  registry: Registry,
  type: ResourceType,
  opts: WatchOptions,
  res: ServerResponse,
  render: WatchRenderOptions,
  maxBufferedBytes: number,
  onClose: () => void,
): Promise<void> {
  let handle: WatchHandle | undefined;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    handle?.stop();
    onClose();
  };
  // a real connection gets the framed chunks directly (inject()'s fake one goes through res)
  const socket = res.socket instanceof Socket ? res.socket : undefined;
  const writeChunk = (chunk: Buffer): boolean => {
    if (res.destroyed || res.writableEnded || !socket || socket.destroyed) return false;
    writeCoalesced(socket, chunk);
    return socket.writableLength <= maxBufferedBytes;
  };
  const out: WatchOutput = {
    write(text) {
      if (socket) return writeChunk(frameChunk(typeof text === 'string' ? Buffer.from(text) : text));
      if (res.destroyed || res.writableEnded) return false;
      res.write(text);
      return res.writableLength <= maxBufferedBytes;
    },
    ...(socket ? { writeChunk } : {}),
    end() {
      if (!res.writableEnded) res.end();
      close();
    },
  };
  const sink = renderingSink(type, out, render, () => {
    res.destroy();
    close();
  });
  let ended = false;
  const wrapped: WatchSink = {
    send: (t, o, l, c) => sink.send(t, o, l, c),
    bookmark: (r, e) => sink.bookmark(r, e),
    error: (e) => {
      ended = true;
      sink.error(e);
    },
    end: () => {
      ended = true;
      sink.end();
    },
  };
  handle = await registry.watch(type, opts, wrapped);
  res.on('close', close);
  res.writeHead(200, {
    'Content-Type': render.table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
    'X-Content-Type-Options': 'nosniff',
  });
  res.flushHeaders();
  sink.open();
  if (ended) {
    // the watch finished (error / timeout) before it was opened: flush its end now
    if (!res.writableEnded) res.end();
    close();
  }
}
