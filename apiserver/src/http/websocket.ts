// Watches over WebSocket, as Kubernetes serves them on the same URL with an Upgrade:
// one text message per event (the event JSON without the trailing newline), or base64
// of it when the client asked for the `base64.binary.k8s.io` subprotocol. The token may
// come in the Authorization header or in a `base64url.bearer.authorization.k8s.io.<t>`
// subprotocol (browsers cannot set headers). Slow readers are cut off like HTTP ones.
import type { WebSocket } from 'ws';
import { routeNotFound } from '@kubesim/shared';
import type { Authorizer } from '../auth/authorizer.ts';
import { denied } from '../auth/authorizer.ts';
import type { Registry, UserInfo, WatchHandle } from '../registry/registry.ts';
import type { ApiMetrics } from './metrics.ts';
import { parseRequestPath } from './request-info.ts';
import { watchOptionsOf } from './params.ts';
import { renderingSink } from './watch-stream.ts';

export interface WebSocketWatchArgs {
  registry: Registry;
  authorizer: Authorizer;
  user: UserInfo;
  url: string;
  ws: WebSocket;
  protocol: string;
  maxBufferedBytes: number;
  metrics: ApiMetrics;
}

export async function serveWebSocketWatch(a: WebSocketWatchArgs): Promise<void> {
  const qi = a.url.indexOf('?');
  const info = parseRequestPath(qi >= 0 ? a.url.slice(0, qi) : a.url);
  const type = info?.resource ? a.registry.typeFor(info.group, info.resource) : undefined;
  if (!info || !type || type.version !== info.version || info.name || (!type.namespaced && info.namespace)) {
    throw routeNotFound();
  }
  const az = await a.authorizer.authorize({ user: a.user, verb: 'watch', group: type.group, resource: type.resource, ...(info.namespace ? { namespace: info.namespace } : {}) });
  if (!az.allowed) throw denied({ user: a.user, verb: 'watch', group: type.group, resource: type.resource, ...(info.namespace ? { namespace: info.namespace } : {}) });
  const q = new URLSearchParams(qi >= 0 ? a.url.slice(qi + 1) : '');
  const opts = watchOptionsOf(q, info.namespace);
  const base64 = a.protocol === 'base64.binary.k8s.io';
  let handle: WatchHandle | undefined;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    handle?.stop();
    a.metrics.watches.dec({ resource: type.resource });
  };
  a.metrics.watches.inc({ resource: type.resource });
  const sink = renderingSink(
    type,
    {
      write(text) {
        if (a.ws.readyState !== a.ws.OPEN) return false;
        const str = typeof text === 'string' ? text : text.toString('utf8');
        const msg = str.endsWith('\n') ? str.slice(0, -1) : str;
        a.ws.send(base64 ? Buffer.from(msg).toString('base64') : msg);
        return a.ws.bufferedAmount <= a.maxBufferedBytes;
      },
      end() {
        a.ws.close(1000);
        close();
      },
    },
    {},
    () => {
      a.ws.terminate();
      close();
    },
  );
  a.ws.on('close', close);
  a.ws.on('error', close);
  try {
    handle = await a.registry.watch(type, opts, sink);
  } catch (err) {
    close();
    throw err;
  }
  sink.open();
}
