// `kubesim explain pod NAME [-n NS]`: the scheduler's last decision for a pod, as a table
// of nodes × filters, the plugin scores and the winner. The scheduler keeps these in
// memory and serves them on its debug endpoint (see scheduler/src/explain/).

import { existsSync, readFileSync } from 'node:fs';
import { helpText, parseFlags, UsageError } from '../flags.ts';
import { httpText } from '../http-get.ts';
import { layout, type ClusterFile } from '../up/layout.ts';

const flagsSpec = {
  namespace: { type: 'string', short: 'n', help: 'the pod namespace', default: 'default' },
  'data-dir': { type: 'string', help: 'the cluster (to find the scheduler)', default: '.kubesim' },
  scheduler: { type: 'string', help: "the scheduler's debug endpoint URL (instead of the data dir's)" },
  json: { type: 'boolean', help: 'print the raw decision as JSON' },
} as const;

export async function explain(argv: string[]): Promise<void> {
  const { flags, positionals, help } = parseFlags(argv, flagsSpec);
  if (help || positionals.length !== 2 || positionals[0] !== 'pod') {
    const text = helpText('kubesim explain pod NAME [-n NAMESPACE]', "Why the scheduler put a pod where it did (or nowhere): each node's filter results, each plugin's score, the winner.", flagsSpec);
    if (help) return console.log(text);
    throw new UsageError(`expected "pod NAME"\n\n${text}`);
  }
  let base = flags.scheduler;
  if (!base) {
    const file = layout(flags['data-dir']!).clusterFile;
    if (!existsSync(file)) throw new UsageError(`no running cluster in ${flags['data-dir']}; pass --scheduler URL`);
    base = (JSON.parse(readFileSync(file, 'utf8')) as ClusterFile).schedulerDebug;
  }
  const name = positionals[1]!;
  const ns = flags.namespace!;
  const res = await httpText(`${base}/explain/${encodeURIComponent(ns)}/${encodeURIComponent(name)}${flags.json ? '' : '?format=text'}`).catch((e: Error) => {
    throw new UsageError(`cannot reach the scheduler at ${base}: ${e.message}`);
  });
  if (res.status === 404) throw new UsageError(`the scheduler has no decision for pod ${ns}/${name} (it may not exist, or was scheduled before the scheduler started)`);
  if (res.status !== 200) throw new UsageError(`the scheduler answered ${res.status}: ${res.text}`);
  process.stdout.write(res.text.endsWith('\n') ? res.text : `${res.text}\n`);
}
