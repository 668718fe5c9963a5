// The `kubesim` command's dispatch: `main(argv)` runs one command. `pnpm start` is
// `kubesim up`; `pnpm kubesim <command>` runs any other command. A UsageError (bad flag,
// busy port, locked data dir) prints one line and exits 2; anything else is a bug and
// prints its stack. Each command's module is imported only when that command runs.

import { UsageError } from './flags.ts';

const COMMANDS: Record<string, string> = {
  up: 'start a whole cluster (apiserver, scheduler, controller-manager, kubelet-sim, proxy-sim)',
  apiserver: 'run the apiserver alone',
  scheduler: 'run the scheduler alone against an apiserver',
  'controller-manager': 'run the controllers alone against an apiserver',
  'kubelet-sim': 'run virtual nodes alone against an apiserver',
  'proxy-sim': 'run the service proxy alone against an apiserver',
  explain: "show the scheduler's decision for a pod: kubesim explain pod NAME [-n NS]",
  node: 'node failure injection and churn: kubesim node stop|start|fail|add|remove NAME',
  status: "each component's health, pid and restarts, and the store's revision",
  trace: 'a live stream of the writes and watch events across the cluster',
  reset: "wipe a cluster's data dir",
};

function usage(): string {
  const lines = ['usage: kubesim <command> [flags]   (kubesim <command> --help for its flags)', '', 'commands:'];
  for (const [name, text] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(20)} ${text}`);
  return lines.join('\n');
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage());
    return;
  }
  switch (command) {
    case 'up':
      return (await import('./commands/up.ts')).up(rest);
    case 'apiserver':
    case 'scheduler':
    case 'controller-manager':
    case 'kubelet-sim':
    case 'proxy-sim':
      return (await import('./commands/components.ts')).runComponent(command, rest);
    case 'explain':
      return (await import('./commands/explain.ts')).explain(rest);
    case 'node':
      return (await import('./commands/node.ts')).node(rest);
    case 'status':
      return (await import('./commands/status.ts')).status(rest);
    case 'trace':
      return (await import('./commands/trace.ts')).trace(rest);
    case 'reset':
      return (await import('./commands/reset.ts')).reset(rest);
    default:
      throw new UsageError(`unknown command "${command}"\n\n${usage()}`);
  }
}

export async function main(argv: string[]): Promise<void> {
  try {
    await run(argv);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && err.constructor.name === 'DataDirLockedError')) {
      console.error(`kubesim: ${err.message}`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  }
}
