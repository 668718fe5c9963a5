// The `kubesim` command from source: `node --import tsx cli/src/main.ts <command>`. The
// commands are in cli.ts. `pnpm start` and `pnpm kubesim` go through cli/bin/kubesim.mjs
// instead, which runs the same commands from a cached bundle and starts much faster.

import { main } from './cli.ts';

void main(process.argv.slice(2));
