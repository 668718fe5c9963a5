// DefaultBinder (Bind): tells the apiserver the decision by POSTing a Binding to the pod's
// `binding` subresource; the apiserver sets `spec.nodeName`, and the kubelet on that node
// takes over. Example: pod default/web-abc on node-2 →
//   POST /api/v1/namespaces/default/pods/web-abc/binding
//   {"apiVersion":"v1","kind":"Binding","metadata":{"name":"web-abc","uid":"…"},"target":{"kind":"Node","name":"node-2"}}
// A failed POST (pod deleted, already bound) is an Error: the scheduler forgets the
// assumption and retries the pod after backoff.

import { resources } from '@kubesim/shared';
import type { BindPlugin, Handle } from '../framework/interfaces.ts';
import { errorStatus, Status, SUCCESS } from '../framework/status.ts';
import type { Binding } from '../types.ts';

export const DEFAULT_BINDER = 'DefaultBinder';

export function newDefaultBinder(_args: Record<string, unknown>, handle: Handle): BindPlugin {
  return {
    name: DEFAULT_BINDER,
    async bind(_state, pod, nodeName) {
      if (!handle.client) return new Status('Error', ['DefaultBinder has no client']);
      const meta = pod.pod.metadata;
      const binding: Binding = {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: meta.name ?? '', namespace: pod.namespace, ...(meta.uid ? { uid: meta.uid } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      };
      try {
        await handle.client.createSubresource(resources.pods, meta.name ?? '', 'binding', binding, { namespace: pod.namespace });
        return SUCCESS;
      } catch (err) {
        return errorStatus(err);
      }
    },
  };
}
