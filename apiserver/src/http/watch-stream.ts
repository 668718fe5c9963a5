// Watches over HTTP: one chunked response of newline-separated `{"type","object"}` JSON
// events, open until the client leaves, timeoutSeconds passes or the registry ends it.
// Plain-JSON watchers share each event's serialized line; Table watchers (kubectl get -w)
// get a one-row Table per event from part 2's toTable. A watcher that stops reading is
// cut off once its unsent output passes `maxBufferedBytes`: memory stays bounded and the
// client re-watches (or relists on 410) as it would against Kubernetes.
import type { ServerResponse } from 'node:http';
import type { ApiError, KubeObject, ResourceType } from '@kubesim/shared';
import { apiVersionOf } from '@kubesim/shared';
import type { CachedObject, Registry, WatchHandle, WatchSink } from '../registry/registry.ts';
import type { WatchOptions } from '@kubesim/shared';
import { toTable } from '../table/index.ts';

export interface WatchOutput {
  /** write one complete event (already serialized, newline included); false = cut off */
  write(text: string | Buffer): boolean;
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
  let pending: Array<string | Buffer> | undefined = [];
  let finished = false;
  const emit = (text: string | Buffer): void => {
    if (finished) return;
    if (pending) {
      pending.push(text);
      return;
    }
    if (!out.write(text)) {
      finished = true;
      onCutOff();
    }
  };
  return {
    open() {
      const p = pending ?? [];
      pending = undefined;
      for (const t of p) {
        if (finished) break;
        if (!out.write(t)) {
          finished = true;
          onCutOff();
        }
      }
    },
    send(eventType, obj: CachedObject, line) {
      if (render.table) {
        const l = tableLine(type, eventType, obj.obj, render.table);
        if (l) return emit(l);
      }
      emit(line());
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
  const out: WatchOutput = {
    write(text) {
      if (res.destroyed || res.writableEnded) return false;
      res.write(text);
      return res.writableLength <= maxBufferedBytes;
    },
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
    send: (t, o, l) => sink.send(t, o, l),
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
