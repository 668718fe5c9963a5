// `kubesim trace`: watch every resource and print one line per change, so a learner sees
// the control loops talk: the Deployment controller creates a ReplicaSet, the ReplicaSet
// controller creates pods, the scheduler binds them, kubelet-sim reports them running.
// "who" is the field manager of the latest managedFields entry (the component's user agent
// or identity), as `kubectl get -o yaml --show-managed-fields` would show.

import { allResources, resources } from '@kubesim/shared';
import type { KubeObject, ResourceType } from '@kubesim/shared';
import { connect, connectOptions } from '../connect.ts';
import { helpText, parseFlags } from '../flags.ts';

const flagsSpec = {
  ...connectOptions,
  'data-dir': { type: 'string', help: 'the cluster (for its kubeconfig)', default: '.kubesim' },
  events: { type: 'boolean', help: 'include Event objects', default: false },
  leases: { type: 'boolean', help: 'include node heartbeats (Leases)', default: false },
} as const;

function who(obj: KubeObject): string {
  const entries = obj.metadata.managedFields ?? [];
  let latest = entries[0];
  for (const e of entries) if ((e.time ?? '') >= (latest?.time ?? '')) latest = e;
  return latest?.manager ? `${latest.manager}${latest.subresource ? `/${latest.subresource}` : ''}` : '?';
}

function describe(type: ResourceType, obj: KubeObject): string {
  const o = obj as KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };
  if (type === resources.pods) return `phase=${String(o.status?.['phase'] ?? '')} node=${String(o.spec?.['nodeName'] ?? '')}`;
  if ('replicas' in (o.spec ?? {})) return `replicas=${String(o.spec?.['replicas'])} ready=${String(o.status?.['readyReplicas'] ?? 0)}`;
  return '';
}

export async function trace(argv: string[]): Promise<void> {
  const { flags, help } = parseFlags(argv, flagsSpec);
  if (help) return console.log(helpText('kubesim trace [flags]', 'A live stream of every change in the cluster, and which component made it.', flagsSpec));
  const client = connect(flags, 'kubesim-trace');
  const skip = new Set<ResourceType>([...(flags.events ? [] : [resources.events, resources.eventsV1]), ...(flags.leases ? [] : [resources.leases])]);
  const watchOne = async (type: ResourceType): Promise<void> => {
    let rv: string | undefined;
    for (;;) {
      const list = await client.list(type, { limit: 1 });
      rv = list.metadata.resourceVersion;
      const w = client.watch(type, rv ? { resourceVersion: rv } : {});
      for await (const ev of w) {
        if (ev.type === 'ERROR') break;
        if (ev.type === 'BOOKMARK') continue;
        const obj = ev.object;
        const t = new Date().toISOString().slice(11, 23);
        const ns = obj.metadata.namespace ? `${obj.metadata.namespace}/` : '';
        console.log(`${t} ${ev.type.padEnd(8)} ${type.kind.toLowerCase()}/${ns}${obj.metadata.name}  by ${who(obj)}  ${describe(type, obj)}`.trimEnd());
      }
    }
  };
  await Promise.all(allResources.filter((t) => !skip.has(t)).map((t) => watchOne(t).catch((e: Error) => console.error(`${t.resource}: ${e.message}`))));
}
