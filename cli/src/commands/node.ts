// `kubesim node stop|start|fail|recover|add|remove NAME`: failure injection and node churn.
// The request goes to the kubelet-sim that hosts the node, found through the Node
// object's status.daemonEndpoints (the port kubelet-sim serves logs and actions on).
//   stop    the node's heartbeats and status updates stop, as if the machine died
//   start   it comes back
//   fail    Ready=False with a reason (the kubelet reports a broken node)
//   recover undo fail
//   add     register a new node (in the first kubelet-sim found)
//   remove  deregister a node and delete its Node object

import { resources } from '@kubesim/shared';
import type { Node } from '@kubesim/shared';
import { connect, connectOptions } from '../connect.ts';
import { helpText, parseFlags, UsageError } from '../flags.ts';
import { httpText } from '../http-get.ts';

const flagsSpec = {
  ...connectOptions,
  'data-dir': { type: 'string', help: 'the cluster (for its kubeconfig)', default: '.kubesim' },
  reason: { type: 'string', help: 'for fail: the Ready condition reason', default: 'KubeletNotReady' },
} as const;

const ACTIONS = ['stop', 'start', 'fail', 'recover', 'add', 'remove'];

export async function node(argv: string[]): Promise<void> {
  const { flags, positionals, help } = parseFlags(argv, flagsSpec);
  const text = helpText('kubesim node stop|start|fail|recover|add|remove NAME', 'Failure injection and node churn through kubelet-sim.', flagsSpec);
  if (help) return console.log(text);
  const [action, name] = positionals;
  if (!action || !ACTIONS.includes(action) || !name) throw new UsageError(`expected an action (${ACTIONS.join('|')}) and a node name\n\n${text}`);
  const client = connect(flags, 'kubesim-node');
  try {
    const nodes = (await client.list(resources.nodes)).items as Node[];
    const target = nodes.find((n) => n.metadata.name === name);
    const host = action === 'add' ? nodes[0] : target;
    if (!host) throw new UsageError(action === 'add' ? 'no kubelet-sim is running (no nodes to find it by)' : `node "${name}" not found`);
    if (action === 'add' && target) throw new UsageError(`node "${name}" already exists`);
    const port = host.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    if (!port) throw new UsageError(`node "${host.metadata.name}" has no kubelet endpoint (is it a kubesim node?)`);
    const body = action === 'fail' ? JSON.stringify({ reason: flags.reason }) : undefined;
    const res = await httpText(`http://127.0.0.1:${port}/nodes/${encodeURIComponent(name)}/${action}`, {}, 'POST', body);
    if (res.status >= 300) throw new UsageError(`kubelet-sim refused: ${res.text.trim()}`);
    console.log(`node/${name} ${action === 'stop' ? 'stopped' : action === 'start' ? 'started' : action === 'add' ? 'added' : action === 'remove' ? 'removed' : action === 'fail' ? 'failed' : 'recovered'}`);
  } finally {
    client.close();
  }
}
