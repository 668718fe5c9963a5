// Subresources served by this folder: `scale` (deployments, replicasets, statefulsets),
// `pods/eviction`, `pods/log` and `serviceaccounts/token`. `registerSubresourceHandlers(registry)` puts them in the
// registry's subresource table, which the HTTP layer and the in-process Client both use;
// `registerSubresources(app, registry)` does that and adds the HTTP route for pods/log,
// which answers text/plain (chunked while following) instead of JSON.

import type { FastifyInstance } from 'fastify';
import { ApiError, internalError, type Status } from '@kubesim/shared';
import type { Registry } from '../registry/registry.ts';
import { evictionHandler } from './eviction.ts';
import { podLogs } from './log.ts';
import { scaleHandler } from './scale.ts';
import { tokenHandler } from './token.ts';
import { ServiceAccountTokens } from '../auth/serviceaccount-token.ts';

export { scaleOf } from './scale.ts';
export { evictPod } from './eviction.ts';
export { podLogs, logContainer, kubeletURL } from './log.ts';

export interface SubresourceOptions {
  /** how pods/log reaches kubelets (tests inject one) */
  fetch?: typeof fetch;
  /** signs serviceaccounts/token answers; by default a key of its own */
  serviceAccountTokens?: ServiceAccountTokens;
}

/** Register scale, eviction, log and token in the registry (for HTTP and the in-process Client). */
export function registerSubresourceHandlers(registry: Registry, opts: SubresourceOptions = {}): void {
  for (const resource of ['deployments', 'replicasets', 'statefulsets']) {
    if (registry.typeFor('apps', resource)) registry.registerSubresource('apps', resource, 'scale', scaleHandler(registry));
  }
  registry.registerSubresource('', 'pods', 'eviction', evictionHandler(registry));
  registry.registerSubresource('', 'pods', 'log', { get: (req) => podLogs(registry, req, opts.fetch) });
  registry.registerSubresource('', 'serviceaccounts', 'token', tokenHandler(registry, opts.serviceAccountTokens ?? new ServiceAccountTokens()));
}

function statusOf(err: unknown): Status {
  const apiError = err instanceof ApiError ? err : internalError(err instanceof Error ? err.message : String(err));
  return apiError.status;
}

export function registerSubresources(app: FastifyInstance, registry: Registry, opts: SubresourceOptions = {}): void {
  registerSubresourceHandlers(registry, opts);
  app.get('/api/v1/namespaces/:namespace/pods/:name/log', async (request, reply) => {
    const { namespace, name } = request.params as { namespace: string; name: string };
    const query = Object.fromEntries(Object.entries(request.query as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    const abort = new AbortController();
    request.raw.on('close', () => abort.abort());
    try {
      const out = await podLogs(registry, { type: registry.typeFor('', 'pods')!, namespace, name, subresource: 'log', query }, opts.fetch, abort.signal);
      reply.type('text/plain');
      if (typeof out === 'string') return reply.send(out);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
      try {
        for await (const chunk of out) {
          if (abort.signal.aborted) break;
          raw.write(chunk);
        }
      } catch {
        // the kubelet went away or the client left; end the stream
      }
      raw.end();
      return reply;
    } catch (err) {
      const status = statusOf(err);
      return reply.code(status.code).type('application/json').send(status);
    }
  });
}
