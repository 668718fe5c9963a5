// `kubesim <component>`: run one component alone, against any apiserver. This is how
// `kubesim up` runs each of them as its own process, and how kubesim spreads over
// machines. Each component gets its client from --kubeconfig (or --server/--token), the
// real clock and an OS-seeded random source, and stops cleanly on SIGINT/SIGTERM.
// Each component's package is imported only when that component runs.

import { readFileSync } from 'node:fs';
import { createLogger, realClock, systemRandom } from '@kubesim/shared';
import type { Logger, LoggerOptions } from '@kubesim/shared';
import { connect, connectOptions, connectionFrom } from '../connect.ts';
import { httpText } from '../http-get.ts';
import { UsageError, helpText, intFlag, parseFlags, type FlagSpecs } from '../flags.ts';

export interface Stoppable {
  stop(): Promise<void>;
}

/** where a component's output goes: its own process's stderr, or (in one process with the others) a log of its own */
export interface ComponentOutput {
  /** JSON log lines */
  destination?: NonNullable<LoggerOptions['destination']>;
  /** the few human-readable lines a component prints when it starts */
  say?: (line: string) => void;
}

interface ComponentDef {
  summary: string;
  flags: FlagSpecs;
  start(flags: Record<string, unknown>, out: Output): Promise<Stoppable>;
}

interface Output {
  logger(component: string): Logger;
  say(line: string): void;
}

function output(o: ComponentOutput = {}): Output {
  return {
    logger: (component) => createLogger(component, o.destination ? { destination: o.destination } : {}),
    say: o.say ?? ((line) => console.error(line)),
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const components: Record<string, ComponentDef> = {
  apiserver: {
    summary: 'The Kubernetes API over the store: REST, watch, discovery, OpenAPI, authentication.',
    flags: {
      'data-dir': { type: 'string', help: 'data dir (store, certificates, tokens)', default: '.kubesim' },
      port: { type: 'string', help: 'port on 127.0.0.1', default: '6443' },
      store: { type: 'string', help: 'level or memory', default: 'level' },
      'insecure-http': { type: 'boolean', help: 'plain HTTP, no authentication (debugging only)' },
      'advertise-address': { type: 'string', help: 'an extra address for the serving certificate and the kubernetes Service' },
      socket: { type: 'string', help: 'also serve the API as plain HTTP on this Unix socket, for components on this machine (tokens still required)' },
    },
    async start(f, out) {
      const store = str(f['store']);
      if (store !== 'level' && store !== 'memory') throw new UsageError(`--store must be level or memory, got "${store}"`);
      const { MAX_SOCKET_PATH_BYTES, startApiserver } = await import('@kubesim/apiserver');
      const socket = str(f['socket']);
      if (socket !== undefined && Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) throw new UsageError(`--socket: the path ${socket} is longer than ${MAX_SOCKET_PATH_BYTES} bytes, the most a Unix socket's path may have`);
      const server = await startApiserver({
        dataDir: str(f['data-dir'])!,
        port: intFlag('port', str(f['port']), 0, 65535)!,
        host: '127.0.0.1',
        store,
        insecureHttp: Boolean(f['insecure-http']),
        ...(str(f['advertise-address']) ? { advertiseAddress: str(f['advertise-address'])! } : {}),
        ...(socket ? { socketPath: socket } : {}),
        logger: out.logger('apiserver'),
      }).catch((err: unknown) => {
        // a port or socket someone else holds: one line, not a stack trace
        if ((err as { code?: unknown }).code === 'EADDRINUSE') throw new UsageError((err as Error).message);
        throw err;
      });
      out.say(`apiserver listening on ${server.url}${server.socketPath ? ` and ${server.socketPath}` : ''}`);
      return { stop: () => server.close() };
    },
  },
  scheduler: {
    summary: "kube-scheduler's framework and default profile: binds pending pods to nodes.",
    flags: {
      ...connectOptions,
      config: { type: 'string', help: 'KubeSchedulerConfiguration YAML file' },
      'debug-port': { type: 'string', help: 'port of the explanations endpoint on 127.0.0.1 (0: any)', default: '0' },
    },
    async start(f, out) {
      await waitForApiserver(f);
      const client = connect(f, 'kubesim-scheduler');
      const config = str(f['config']);
      const s = await (await import('@kubesim/scheduler')).startScheduler({
        client,
        clock: realClock,
        random: systemRandom(),
        logger: out.logger('scheduler'),
        debugPort: intFlag('debug-port', str(f['debug-port']), 0, 65535)!,
        ...(config ? { config: readFileSync(config, 'utf8') } : {}),
      });
      if (s.debugUrl) out.say(`scheduler explanations at ${s.debugUrl}/explain/<namespace>/<pod>`);
      return { stop: () => s.stop() };
    },
  },
  'controller-manager': {
    summary: 'The workload, garbage-collection, namespace and node controllers.',
    flags: {
      ...connectOptions,
      controllers: { type: 'string', help: 'comma-separated controller names (default: all)' },
    },
    async start(f, out) {
      await waitForApiserver(f);
      const client = connect(f, 'kubesim-controller-manager');
      const names = str(f['controllers'])?.split(',').map((s) => s.trim()).filter(Boolean);
      const cm = await (await import('@kubesim/controller-manager')).startControllerManager({ client, clock: realClock, random: systemRandom(), logger: out.logger('controller-manager'), ...(names ? { controllers: names } : {}) });
      return { stop: () => cm.stop() };
    },
  },
  'kubelet-sim': {
    summary: 'Virtual nodes that run pods the way a kubelet would, without containers.',
    flags: {
      ...connectOptions,
      nodes: { type: 'string', help: 'number of nodes', default: '3' },
      'node-pool': { type: 'string', help: 'node-pool YAML file (instead of --nodes)' },
      'http-port': { type: 'string', help: 'port of the kubelet endpoint (logs, node actions) on 127.0.0.1 (0: any)', default: '0' },
      'first-node-index': { type: 'string', help: 'number of the first node (names, zones, pod CIDRs): give a second kubelet-sim its own range', default: '0' },
    },
    async start(f, out) {
      await waitForApiserver(f);
      const client = connect(f, 'kubesim-kubelet-sim');
      const pool = str(f['node-pool']);
      const k = await (await import('@kubesim/kubelet-sim')).startKubeletSim({
        client,
        clock: realClock,
        random: systemRandom(),
        logger: out.logger('kubelet-sim'),
        nodes: pool ? { poolYaml: readFileSync(pool, 'utf8') } : intFlag('nodes', str(f['nodes']), 0, 100_000)!,
        httpPort: intFlag('http-port', str(f['http-port']), 0, 65535)!,
        firstNodeIndex: intFlag('first-node-index', str(f['first-node-index']), 0, 60_000)!,
      });
      out.say(`kubelet-sim: ${k.nodeNames.length} nodes, endpoint http://${k.address}:${k.port}`);
      return { stop: () => k.stop() };
    },
  },
  'proxy-sim': {
    summary: 'Makes Services reachable on 127.0.0.1 and balances connections round-robin.',
    flags: { ...connectOptions },
    async start(f, out) {
      await waitForApiserver(f);
      const client = connect(f, 'kubesim-proxy-sim');
      const p = await (await import('@kubesim/proxy-sim')).startProxySim({ client, clock: realClock, logger: out.logger('proxy-sim') });
      return { stop: () => p.stop() };
    },
  },
};

/**
 * Wait until the apiserver answers /readyz, polling briefly: `kubesim up` starts every
 * process at once, so each loads its code while the apiserver starts.
 */
async function waitForApiserver(f: Record<string, unknown>, timeoutMs = 60_000): Promise<void> {
  const conn = connectionFrom(f, 'kubesim');
  const target = { ca: conn.ca?.toString(), token: conn.token, insecureSkipTLSVerify: conn.insecureSkipTLSVerify };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await httpText(`${conn.server.replace(/\/$/, '')}/readyz`, target).then((r) => r.status === 200, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new UsageError(`the apiserver at ${conn.server} is not ready after ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** start a component inside this process (`kubesim up --single-process`) */
export async function runComponentInProcess(name: string, argv: string[], out: ComponentOutput = {}): Promise<Stoppable> {
  const def = components[name];
  if (!def) throw new UsageError(`unknown component "${name}"`);
  const { flags } = parseFlags(argv, def.flags);
  return def.start(flags as Record<string, unknown>, output(out));
}

/** `kubesim <component> [flags]` in the foreground until SIGINT/SIGTERM. */
export async function runComponent(name: string, argv: string[]): Promise<void> {
  const def = components[name]!;
  const { flags, help } = parseFlags(argv, def.flags);
  if (help) {
    console.log(helpText(`kubesim ${name} [flags]`, def.summary, def.flags));
    return;
  }
  const running = await def.start(flags as Record<string, unknown>, output());
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) process.exit(1);
    stopping = true;
    await running.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await new Promise(() => {});
}
