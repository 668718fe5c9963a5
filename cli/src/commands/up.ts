// `kubesim up`: a whole cluster from one command. It prepares the data dir (tokens,
// certificates, kubeconfigs), then starts the apiserver, scheduler, controller-manager,
// kubelet-sim and proxy-sim at once, each as its own OS process with its own identity
// (started from the cached bundle, see bundle/launch.ts); each waits for the apiserver's
// /readyz. `up` reports the cluster ready once every node is Ready. Ctrl-C stops them
// all. With --single-process the components run inside this process instead (still over
// HTTP, each logging to its own file). kubelet-sim hosts many nodes in one process, so it
// has one identity for all of them (`system:node:kubelet-sim`, group system:nodes) where
// Kubernetes gives each kubelet its own `system:node:<name>`.

import { mkdirSync, writeFileSync, createWriteStream, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { MAX_SOCKET_PATH_BYTES, ensureTls, ensureTokenFile, issueToken, tokenFor, writeKubeconfig } from '@kubesim/apiserver';
import { createHttpClient, resources } from '@kubesim/shared';
import type { HttpClient } from '@kubesim/shared';
import { lockDataDir } from '../data-dir.ts';
import { httpText } from '../http-get.ts';
import { UsageError, helpText, intFlag, parseFlags } from '../flags.ts';
import { layout, type ClusterFile } from '../up/layout.ts';
import { mergeKubeconfig } from '../up/merge-kubeconfig.ts';
import { freePort, portIsFree } from '../up/ports.ts';
import { Supervisor } from '../up/supervisor.ts';
import { applyComponentV8Flags, componentV8Flags } from '../up/node-flags.ts';
import { kubesimCommand } from '../bundle/launch.ts';

export const upFlags = {
  port: { type: 'string', help: 'apiserver port on 127.0.0.1', default: '6443' },
  nodes: { type: 'string', help: 'number of virtual nodes', default: '3' },
  'node-pool': { type: 'string', help: 'node-pool YAML file (instead of --nodes)' },
  'data-dir': { type: 'string', help: 'where the cluster lives', default: '.kubesim' },
  store: { type: 'string', help: 'store backend: level or memory', default: 'level' },
  'single-process': { type: 'boolean', help: 'run every component in this process (still over HTTP)' },
  'no-restart': { type: 'boolean', help: 'leave a component that dies dead (for demos)' },
  'insecure-http': { type: 'boolean', help: 'serve plain HTTP without authentication (debugging only)' },
  'merge-kubeconfig': { type: 'boolean', help: 'also add the kubesim context to ~/.kube/config' },
} as const;

export async function up(argv: string[]): Promise<void> {
  const { flags, help } = parseFlags(argv, upFlags);
  if (help) {
    console.log(helpText('kubesim up [flags]', 'Start a whole cluster: apiserver, scheduler, controller-manager, kubelet-sim and proxy-sim.', upFlags));
    return;
  }
  const port = intFlag('port', flags.port, 1, 65535)!;
  const nodes = intFlag('nodes', flags.nodes, 0, 100_000)!;
  if (flags.store !== 'level' && flags.store !== 'memory') throw new UsageError(`--store must be level or memory, got "${flags.store}"`);
  if (flags['node-pool'] && !existsSync(flags['node-pool'])) throw new UsageError(`node-pool file ${flags['node-pool']} does not exist`);
  const paths = layout(flags['data-dir']!);
  const release = lockDataDir(paths.dir);
  const started = Date.now();
  if (!(await portIsFree(port))) {
    release();
    throw new UsageError(`port ${port} on 127.0.0.1 is already in use; stop whatever holds it or pass --port`);
  }

  // Components start from the cached bundle; a stale one is rebuilt meanwhile.
  const launcher = flags['single-process'] ? undefined : kubesimCommand();

  const insecure = Boolean(flags['insecure-http']);
  const server = `${insecure ? 'http' : 'https'}://127.0.0.1:${port}`;
  const report = (line: string): void => console.log(`kubesim: ${line}`);
  ensureTokenFile(paths.dir);
  issueToken(paths.dir, 'system:node:kubelet-sim', ['system:nodes']);
  const tls = insecure ? undefined : await ensureTls(paths.dir);
  // The components talk to the apiserver over its local socket (plain HTTP, tokens still
  // checked): TLS between processes of one machine would cost them a fifth of the CPU.
  // kubectl uses the HTTPS port. A data dir too deep for a socket's path does without.
  const socket = !insecure && Buffer.byteLength(paths.apiserverSocket) <= MAX_SOCKET_PATH_BYTES ? paths.apiserverSocket : undefined;
  const kubeconfigFor = (user: string, socketPath?: string): { server: string; caCert?: string; token?: string; user: string; socketPath?: string } => {
    const token = tokenFor(paths.dir, user);
    return { server, user, ...(tls ? { caCert: tls.caCert } : {}), ...(token && !insecure ? { token } : {}), ...(socketPath ? { socketPath } : {}) };
  };
  writeKubeconfig(paths.kubeconfig, kubeconfigFor('kubesim-admin'));
  const identities: Record<string, string> = {
    scheduler: 'system:kube-scheduler',
    'controller-manager': 'system:kube-controller-manager',
    'kubelet-sim': 'system:node:kubelet-sim',
    'proxy-sim': 'system:kube-proxy',
  };
  for (const [name, user] of Object.entries(identities)) writeKubeconfig(paths.componentKubeconfig(name), kubeconfigFor(user, socket));
  if (flags['merge-kubeconfig']) report(`added the kubesim context to ${mergeKubeconfig(paths.kubeconfig)}`);
  mkdirSync(paths.logs, { recursive: true });
  mkdirSync(dirname(paths.clusterFile), { recursive: true });

  const schedulerDebugPort = await freePort();
  const common = (name: string) => ['--kubeconfig', paths.componentKubeconfig(name)];
  const specs = [
    { name: 'apiserver', args: ['--data-dir', paths.dir, '--port', String(port), '--store', flags.store!, ...(insecure ? ['--insecure-http'] : []), ...(socket ? ['--socket', socket] : [])] },
    { name: 'scheduler', args: [...common('scheduler'), '--debug-port', String(schedulerDebugPort)] },
    { name: 'controller-manager', args: common('controller-manager') },
    { name: 'kubelet-sim', args: [...common('kubelet-sim'), ...(flags['node-pool'] ? ['--node-pool', flags['node-pool']] : ['--nodes', String(nodes)])] },
    { name: 'proxy-sim', args: common('proxy-sim') },
  ];

  const supervisor = new Supervisor({
    restart: !flags['no-restart'],
    report,
    output: (name) => createWriteStream(paths.log(name), { flags: 'a' }),
  });
  const inProcess: { stop(): Promise<void> }[] = [];
  const adminTarget = { ...(tls ? { ca: tls.caCert } : {}), ...(insecure ? {} : { token: tokenFor(paths.dir, 'kubesim-admin')! }) };
  const admin = createHttpClient({ server, ...(tls ? { ca: tls.caCert } : {}), ...(insecure ? {} : { token: tokenFor(paths.dir, 'kubesim-admin')! }), userAgent: 'kubesim-up' });

  let stopping = false;
  const shutdown = async (code: number): Promise<never> => {
    if (stopping) process.exit(code);
    stopping = true;
    report('stopping the cluster...');
    clearInterval(statusTimer);
    for (const c of inProcess.reverse()) await c.stop().catch(() => {});
    await supervisor.stopAll();
    release();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const writeClusterFile = (): void => {
    const file: ClusterFile = {
      pid: process.pid,
      server,
      startedAt: new Date(started).toISOString(),
      schedulerDebug: `http://127.0.0.1:${schedulerDebugPort}`,
      components: flags['single-process']
        ? specs.map((s) => ({ name: s.name, pid: process.pid, restarts: 0, running: true }))
        : supervisor.states().map((s) => ({ name: s.name, pid: s.pid, restarts: s.restarts, running: s.running })),
    };
    writeFileSync(paths.clusterFile, JSON.stringify(file, null, 2));
  };
  const statusTimer = setInterval(writeClusterFile, 1000);

  if (flags['single-process']) {
    applyComponentV8Flags();
    const { runComponentInProcess } = await import('./components.ts');
    for (const spec of specs) {
      // Each component logs to its own file, as it does in its own process.
      const log = createWriteStream(paths.log(spec.name), { flags: 'a' });
      const component = await runComponentInProcess(spec.name, spec.args, { destination: log, say: (line) => log.write(`${line}\n`) });
      inProcess.push({ stop: () => component.stop().finally(() => new Promise<void>((resolve) => log.end(resolve))) });
      if (spec.name === 'apiserver') await waitReady(server, adminTarget, 30_000);
    }
  } else {
    // All at once: each component loads its code while the apiserver starts, then waits for /readyz.
    const command = await launcher!;
    if (command.why) report(`components run from source, start-up is slower (could not bundle: ${command.why})`);
    for (const spec of specs) supervisor.start({ name: spec.name, args: [...componentV8Flags(spec.name), ...command.args(spec.name, spec.args)] });
    try {
      await waitReady(server, adminTarget, 30_000);
    } catch (err) {
      report(`the apiserver did not become ready: ${(err as Error).message}; see ${paths.log('apiserver')}`);
      return shutdown(1);
    }
  }
  writeClusterFile();

  try {
    await waitNodesReady(admin, flags['node-pool'] ? undefined : nodes, 60_000);
  } catch (err) {
    report(`nodes did not become Ready: ${(err as Error).message}; see ${paths.log('kubelet-sim')}`);
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      '',
      `kubesim is up (${secs}s): ${server}`,
      '',
      `  export KUBECONFIG=${paths.kubeconfig}`,
      '  kubectl get nodes',
      '  kubectl create deployment web --image=nginx --replicas=3',
      '',
      `Why a pod landed where it did:  pnpm kubesim explain pod <name>   (scheduler: http://127.0.0.1:${schedulerDebugPort}/explain)`,
      `Component logs: ${paths.logs}    Stop: Ctrl-C`,
      '',
    ].join('\n'),
  );
  await new Promise(() => {});
}

async function waitReady(server: string, target: { ca?: string; token?: string }, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not answering';
  while (Date.now() < deadline) {
    try {
      const { status, text } = await httpText(`${server}/readyz`, target);
      if (status === 200) return;
      last = text;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(last);
}

async function waitNodesReady(client: HttpClient, want: number | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const nodes = (await client.list(resources.nodes).catch(() => ({ items: [] }))).items;
    const ready = nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (ready.length > 0 && ready.length === nodes.length && (want === undefined || ready.length >= want)) return;
    if (want === 0) return;
    if (Date.now() > deadline) throw new Error(`${ready.length}/${want ?? nodes.length} Ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
