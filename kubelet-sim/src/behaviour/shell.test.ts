import { describe, expect, it } from 'vitest';
import { evaluateExec, parseBehaviour, tokenize } from './shell.ts';
import type { Step } from './shell.ts';

/** run a behaviour for at most `max` steps: the steps and the exit code (undefined if still running) */
function trace(command: string[] | undefined, args?: string[], max = 50): { steps: Step[]; exit: number | undefined } {
  const gen = parseBehaviour(command, args).run();
  const steps: Step[] = [];
  for (let i = 0; i < max; i++) {
    const r = gen.next();
    if (r.done) return { steps, exit: r.value };
    steps.push(r.value);
    if (r.value.kind === 'serve') return { steps, exit: undefined };
  }
  return { steps, exit: undefined };
}

describe('tokenize', () => {
  it('keeps quoted text together and splits operators', () => {
    expect(tokenize(`echo "a b" 'c;d' e\\ f; sleep 1 && exit 3 || true`)).toEqual([
      'echo', 'a b', 'c;d', 'e f', ';', 'sleep', '1', '&&', 'exit', '3', '||', 'true',
    ]);
  });
});

describe('parseBehaviour', () => {
  it('treats a container without a command as a long-running server', () => {
    const b = parseBehaviour(undefined, undefined);
    expect(b.server).toBe(true);
    expect(trace(undefined).steps).toEqual([{ kind: 'serve' }]);
  });

  it('runs sleep then exits 0', () => {
    expect(trace(['sleep', '5'])).toEqual({ steps: [{ kind: 'wait', ms: 5000 }], exit: 0 });
  });

  it('reads sleep infinity as waiting forever', () => {
    expect(trace(['/bin/sleep', 'infinity']).steps).toEqual([{ kind: 'wait', ms: Number.POSITIVE_INFINITY }]);
  });

  it('runs an sh -c script with echo, sleep and exit', () => {
    expect(trace(['sh', '-c', 'echo hello world; sleep 2 && exit 3'])).toEqual({
      steps: [{ kind: 'log', text: 'hello world' }, { kind: 'wait', ms: 2000 }],
      exit: 3,
    });
  });

  it('skips the right side of && after a failure and runs || instead', () => {
    expect(trace(['sh', '-c', 'false && echo no || echo yes'])).toEqual({ steps: [{ kind: 'log', text: 'yes' }], exit: 0 });
  });

  it('gives false exit code 1 and true exit code 0', () => {
    expect(trace(['false']).exit).toBe(1);
    expect(trace(['true']).exit).toBe(0);
  });

  it('takes args alone as the command when they name a known program', () => {
    expect(trace(undefined, ['sleep', '1m']).steps).toEqual([{ kind: 'wait', ms: 60_000 }]);
    expect(parseBehaviour(undefined, ['-g', 'daemon off;']).server).toBe(true);
  });

  it('makes an unknown last command the server and earlier unknown commands no-ops', () => {
    const b = parseBehaviour(['sh', '-c', 'mkdir -p /data; echo ready; exec /app/server --port 8080'], undefined);
    expect(b.server).toBe(true);
    expect(trace(['sh', '-c', 'mkdir -p /data; echo ready; exec /app/server']).steps).toEqual([
      { kind: 'log', text: 'ready' },
      { kind: 'serve' },
    ]);
  });

  it('loops forever on while true, logging each round', () => {
    const { steps, exit } = trace(['sh', '-c', 'while true; do echo tick; sleep 1; done'], undefined, 6);
    expect(exit).toBeUndefined();
    expect(steps).toEqual([
      { kind: 'log', text: 'tick' }, { kind: 'wait', ms: 1000 },
      { kind: 'log', text: 'tick' }, { kind: 'wait', ms: 1000 },
      { kind: 'log', text: 'tick' }, { kind: 'wait', ms: 1000 },
    ]);
  });

  it('substitutes the variable of a for loop', () => {
    expect(trace(['sh', '-c', 'for i in 1 2; do echo "n=$i"; done']).steps).toEqual([
      { kind: 'log', text: 'n=1' },
      { kind: 'log', text: 'n=2' },
    ]);
  });

  it('ignores SIGTERM in plain scripts and honours it when trapped or serving', () => {
    expect(parseBehaviour(['sleep', 'infinity'], undefined).handlesSigterm).toBe(false);
    expect(parseBehaviour(['sh', '-c', "trap 'exit 0' TERM; sleep 100"], undefined).handlesSigterm).toBe(true);
    expect(parseBehaviour(['nginx'], undefined).handlesSigterm).toBe(true);
  });

  it('falls back to a server for shell it cannot read', () => {
    expect(parseBehaviour(['sh', '-c', 'if [ -f x ]; then exit 1; fi'], undefined).server).toBe(true);
  });
});

describe('evaluateExec', () => {
  it('gives the exit code and duration of a probe or hook command', () => {
    expect(evaluateExec(['sh', '-c', 'sleep 5'])).toEqual({ exitCode: 0, ms: 5000 });
    expect(evaluateExec(['false'])).toEqual({ exitCode: 1, ms: 0 });
    expect(evaluateExec(['cat', '/tmp/healthy'])).toEqual({ exitCode: 0, ms: 0 });
  });
});
