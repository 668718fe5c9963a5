// `pods/log`: container logs, proxied to the kubelet (kubelet-sim) of the pod's node, as the
// real apiserver does: GET http://<node InternalIP>:<status.daemonEndpoints.kubeletEndpoint.Port>
// /containerLogs/<namespace>/<pod>/<container>?follow=&tailLines=&timestamps=&sinceSeconds=&
// previous=&limitBytes=. The apiserver checks the request first: the container must exist
// (defaulting to the only one), be started unless `previous`, and the pod must be on a node.
// Returns the text, or with follow=true an async iterable of chunks.

import { badRequest, resources, type KubeObject } from '@kubesim/shared';
import type { Registry, SubresourceRequest } from '../registry/registry.ts';

type Fetch = typeof fetch;

const LOG_PARAMS = ['follow', 'tailLines', 'timestamps', 'sinceSeconds', 'sinceTime', 'previous', 'limitBytes'] as const;

interface ContainerStatusLike {
  name?: string;
  state?: { waiting?: { reason?: string }; running?: unknown; terminated?: unknown };
  lastState?: { terminated?: unknown };
}
type PodLike = KubeObject & {
  spec?: { nodeName?: string; containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };
  status?: { containerStatuses?: ContainerStatusLike[]; initContainerStatuses?: ContainerStatusLike[]; ephemeralContainerStatuses?: ContainerStatusLike[] };
};
type NodeLike = KubeObject & { status?: { addresses?: Array<{ type?: string; address?: string }>; daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } };

/** The container a log request is for, validated against the pod. */
export function logContainer(pod: PodLike, requested: string | undefined): string {
  const name = pod.metadata.name ?? '';
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c) => c.name);
  if (!requested) {
    const regular = (pod.spec?.containers ?? []).map((c) => c.name);
    if (regular.length === 1) return regular[0]!;
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${regular.join(' ')}]`);
  }
  if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/** A 400 when the container has nothing to show yet (kubelet's wording). */
export function checkContainerStarted(pod: PodLike, container: string, previous: boolean): void {
  const name = pod.metadata.name ?? '';
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  const status = statuses.find((s) => s.name === container);
  if (previous) {
    if (!status?.lastState?.terminated) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    return;
  }
  if (!status || (status.state?.waiting && !status.state.running && !status.state.terminated)) {
    const reason = status?.state?.waiting?.reason || 'ContainerCreating';
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  }
}

/** The kubelet base URL of a node. */
export function kubeletURL(node: NodeLike): string {
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!port) throw badRequest(`node "${node.metadata.name ?? ''}" has no kubelet endpoint`);
  const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address || '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}`;
}

async function* streamBody(body: ReadableStream<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Serve a pods/log request: the log text, or a stream of chunks when following. */
export async function podLogs(registry: Registry, req: SubresourceRequest, fetchImpl: Fetch = fetch, signal?: AbortSignal): Promise<string | AsyncIterable<string>> {
  const ns = req.namespace ? { namespace: req.namespace } : {};
  const pod = (await registry.get(resources.pods, req.name, ns)) as PodLike;
  const container = logContainer(pod, req.query['container']);
  const previous = req.query['previous'] === 'true';
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) return '';
  checkContainerStarted(pod, container, previous);
  const node = (await registry.get(resources.nodes, nodeName)) as NodeLike;
  const query = new URLSearchParams();
  for (const p of LOG_PARAMS) {
    const v = req.query[p];
    if (v !== undefined && v !== '') query.set(p, v);
  }
  const qs = query.toString();
  const url = `${kubeletURL(node)}/containerLogs/${encodeURIComponent(req.namespace ?? '')}/${encodeURIComponent(req.name)}/${encodeURIComponent(container)}${qs ? `?${qs}` : ''}`;
  let res: Response;
  try {
    res = await fetchImpl(url, signal ? { signal } : {});
  } catch (err) {
    throw badRequest(`Get "${url}": ${(err as Error).message}`);
  }
  if (!res.ok) {
    const text = (await res.text()).trim();
    throw badRequest(text || `kubelet answered ${res.status} for the logs of ${req.name}/${container}`);
  }
  if (req.query['follow'] === 'true' && res.body) return streamBody(res.body);
  return res.text();
}
