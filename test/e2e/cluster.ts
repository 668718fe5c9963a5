// Runs `kubesim up` as a user would, for end-to-end tests: a temp working dir (so the
// default data dir `.kubesim` lands there), a free port, and helpers to run shell
// commands (kubectl, the kubesim CLI) against it. stop() sends SIGINT like Ctrl-C.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** tsx by absolute URL: commands run in temp dirs, where a bare `--import tsx` would not resolve */
export const TSX = import.meta.resolve('tsx');
/** the `kubesim` command as `pnpm kubesim` runs it (the launcher, from its cached bundle) */
export const KUBESIM_BIN = join(REPO, 'cli', 'bin', 'kubesim.mjs');
export const KUBESIM = `node ${KUBESIM_BIN}`;
export const haveKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Cluster {
  proc: ChildProcess | undefined;
  output = '';
  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get dataDir(): string {
    return join(this.dir, '.kubesim');
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, KUBECONFIG: join(this.dataDir, 'kubeconfig'), KUBECACHEDIR: join(this.dir, 'kube-cache'), NODE_PATH: join(REPO, 'node_modules') };
  }

  /** start `kubesim up` as `pnpm start` does, and resolve once it prints that it is up */
  async up(extra: string[] = [], timeoutMs = 90_000): Promise<void> {
    this.output = '';
    const proc = spawn(process.execPath, [KUBESIM_BIN, 'up', '--port', String(this.port), ...extra], {
      cwd: this.dir,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + timeoutMs;
    while (!/kubesim is up/.test(this.output)) {
      if (proc.exitCode !== null) throw new Error(`kubesim up exited with ${proc.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`kubesim up did not come up in ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** a shell command in the cluster's working dir, with KUBECONFIG set */
  run(command: string, timeoutMs = 60_000): Promise<RunResult> {
    return new Promise((res) => {
      const p = spawn('bash', ['-c', command], { cwd: this.dir, env: this.env });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
      p.on('close', (code) => {
        clearTimeout(t);
        res({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  /** run until `check` passes (real time) */
  async eventually(command: string, check: (r: RunResult) => boolean, timeoutMs = 60_000): Promise<RunResult> {
    const deadline = Date.now() + timeoutMs;
    let last: RunResult = { code: -1, stdout: '', stderr: '' };
    while (Date.now() < deadline) {
      last = await this.run(command);
      if (check(last)) return last;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`"${command}" never passed its check; last output:\n${last.stdout}\n${last.stderr}`);
  }

  /** Ctrl-C: resolves with the exit code */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return p?.exitCode ?? null;
    const done = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    p.kill(signal);
    return done;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function newCluster(): Promise<Cluster> {
  return new Cluster(mkdtempSync(join(tmpdir(), 'kubesim-e2e-')), await freePort());
}

/** pids of processes whose command line mentions `needle` */
export function processesMatching(needle: string): number[] {
  const out = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .filter((l) => l.includes(needle) && !l.includes('ps -eo'))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter((n) => Number.isInteger(n) && n !== process.pid);
}
