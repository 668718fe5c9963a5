// A tiny process supervisor for `kubesim up`: each component is its own OS process, so a
// learner can `kill` the scheduler and watch pods stay Pending. A child that exits is
// reported and restarted with exponential backoff (1 s doubling to 30 s, reset after it
// has run for a minute), unless restarts are off. stopAll() sends SIGTERM, waits, then
// SIGKILLs stragglers, so shutdown never leaves a process behind.

import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildSpec {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface ChildState {
  name: string;
  pid: number | undefined;
  restarts: number;
  running: boolean;
  startedAt: number;
}

export interface SupervisorOptions {
  restart: boolean;
  /** called with a one-line message for the user */
  report: (line: string) => void;
  /** where child stdout/stderr go (a log file per child, for instance) */
  output: (name: string) => NodeJS.WritableStream | 'inherit' | 'ignore';
}

interface Entry {
  spec: ChildSpec;
  proc: ChildProcess | undefined;
  state: ChildState;
  backoffMs: number;
  timer: NodeJS.Timeout | undefined;
}

export class Supervisor {
  private readonly entries = new Map<string, Entry>();
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions) {}

  start(spec: ChildSpec): void {
    const entry: Entry = {
      spec,
      proc: undefined,
      state: { name: spec.name, pid: undefined, restarts: 0, running: false, startedAt: 0 },
      backoffMs: 1000,
      timer: undefined,
    };
    this.entries.set(spec.name, entry);
    this.launch(entry);
  }

  states(): ChildState[] {
    return [...this.entries.values()].map((e) => ({ ...e.state }));
  }

  private launch(entry: Entry): void {
    const out = this.opts.output(entry.spec.name);
    const stdio = out === 'inherit' || out === 'ignore' ? out : 'pipe';
    const proc = spawn(process.execPath, entry.spec.args, {
      stdio: ['ignore', stdio, stdio],
      env: { ...process.env, ...entry.spec.env },
    });
    if (stdio === 'pipe' && typeof out !== 'string') {
      proc.stdout?.pipe(out, { end: false });
      proc.stderr?.pipe(out, { end: false });
    }
    entry.proc = proc;
    entry.state.pid = proc.pid;
    entry.state.running = true;
    entry.state.startedAt = Date.now();
    proc.on('exit', (code, signal) => this.onExit(entry, code, signal));
    proc.on('error', (err) => this.opts.report(`${entry.spec.name}: could not start: ${err.message}`));
  }

  private onExit(entry: Entry, code: number | null, signal: NodeJS.Signals | null): void {
    entry.state.running = false;
    entry.state.pid = undefined;
    entry.proc = undefined;
    if (this.stopping) return;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    if (!this.opts.restart) {
      this.opts.report(`${entry.spec.name} ${how}; not restarting (--no-restart)`);
      return;
    }
    if (Date.now() - entry.state.startedAt > 60_000) entry.backoffMs = 1000;
    const delay = entry.backoffMs;
    entry.backoffMs = Math.min(entry.backoffMs * 2, 30_000);
    this.opts.report(`${entry.spec.name} ${how}; restarting in ${delay / 1000}s`);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (this.stopping) return;
      entry.state.restarts++;
      this.launch(entry);
    }, delay);
  }

  /** SIGTERM every child, then SIGKILL whatever is left after `graceMs`. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const waits: Promise<void>[] = [];
    for (const entry of this.entries.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      const proc = entry.proc;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) continue;
      waits.push(
        new Promise<void>((resolve) => {
          const kill = setTimeout(() => proc.kill('SIGKILL'), graceMs);
          proc.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          proc.kill('SIGTERM');
        }),
      );
    }
    await Promise.all(waits);
  }
}
