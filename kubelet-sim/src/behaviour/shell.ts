// A container's behaviour read from its command and args, as a tiny shell would read it.
// Understood: `sleep N|Ns|Nm|Nh|infinity`, `exit [N]`, `true`, `false`, `:`, `echo [-n] TEXT`,
// `printf TEXT`, `trap ... TERM`, `exec CMD`, sequences joined by `;`, `&&`, `||` or newlines,
// `while true; do ...; done` and `for x in a b; do ...; done` (with `$x` substituted), inside
// `sh -c "..."` (or bash, ash, dash). A program we do not understand is a long-running server;
// inside a script, an unknown command is a no-op that succeeds unless it is the script's last
// command (`sh -c "setup; exec my-server"`), where it becomes the server.
// `parseBehaviour(command, args)` gives a Behaviour; `behaviour.run()` a fresh step generator.

export type Step =
  | { kind: 'log'; text: string }
  | { kind: 'wait'; ms: number }
  /** from here on the program runs until stopped, like a server */
  | { kind: 'serve' };

export interface Behaviour {
  /** true when the program is (or ends in) a long-running server */
  readonly server: boolean;
  /** true when SIGTERM stops the program promptly (servers, scripts that `trap` TERM) */
  readonly handlesSigterm: boolean;
  /** a fresh run: yields steps, returns the exit code (never returns for servers/loops) */
  run(): Generator<Step, number, void>;
}

type Word = string;
type Op = ';' | '&&' | '||';

interface Simple {
  type: 'simple';
  words: Word[];
  /** the parsed script of `sh -c SCRIPT` */
  sub?: List;
}
interface Loop {
  type: 'while';
  body: List;
}
interface For {
  type: 'for';
  variable: string;
  items: Word[];
  body: List;
}
type Command = Simple | Loop | For;
interface List {
  items: Array<{ cmd: Command; op: Op }>;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'busybox-sh']);
const BUILTINS = new Set(['sleep', 'exit', 'true', 'false', ':', 'echo', 'printf', 'trap', 'exec']);

const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Split shell text into words and operators, honouring quotes and backslashes. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  const flush = (): void => {
    if (inWord) out.push(word);
    word = '';
    inWord = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word += text.slice(i + 1, end < 0 ? text.length : end);
      inWord = true;
      i = end < 0 ? text.length : end;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) i++;
        word += text[i];
      }
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (c === ';' || c === '\n') {
      flush();
      out.push(';');
    } else if ((c === '&' || c === '|') && text[i + 1] === c) {
      flush();
      out.push(c + c);
      i++;
    } else if (c === '&' || c === '|') {
      flush();
      out.push(c);
    } else if (c === '#' && !inWord) {
      while (i < text.length && text[i] !== '\n') i++;
      i--;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      flush();
    } else {
      word += c;
      inWord = true;
    }
  }
  flush();
  return out;
}

class Parser {
  #t: string[];
  #i = 0;
  constructor(tokens: string[]) {
    this.#t = tokens;
  }
  peek(): string | undefined {
    return this.#t[this.#i];
  }
  next(): string | undefined {
    return this.#t[this.#i++];
  }
  done(): boolean {
    return this.#i >= this.#t.length;
  }
  /** a list up to one of `stops` (not consumed) or the end */
  list(stops: readonly string[] = []): List {
    const items: List['items'] = [];
    for (;;) {
      while (this.peek() === ';') this.next();
      const tok = this.peek();
      if (tok === undefined || stops.includes(tok)) break;
      const cmd = this.command();
      const op = this.peek();
      if (op === '&&' || op === '||' || op === ';') {
        this.next();
        items.push({ cmd, op });
      } else if (op === '|' || op === '&') {
        // pipelines and background jobs: the command runs, its status is not modelled
        this.next();
        items.push({ cmd: { type: 'simple', words: ['true'] }, op: ';' });
      } else {
        items.push({ cmd, op: ';' });
      }
    }
    return { items };
  }
  command(): Command {
    const tok = this.peek();
    if (tok === 'while' || tok === 'until') {
      this.next();
      const cond = this.list(['do']);
      this.expect('do');
      const body = this.list(['done']);
      this.expect('done');
      const condWords = cond.items.length === 1 && cond.items[0]!.cmd.type === 'simple' ? cond.items[0]!.cmd.words : [];
      const infinite = tok === 'while' ? condWords[0] === 'true' || condWords[0] === ':' : condWords[0] === 'false';
      if (!infinite) throw new Error('unsupported loop condition');
      return { type: 'while', body };
    }
    if (tok === 'for') {
      this.next();
      const variable = this.next() ?? '';
      const items: string[] = [];
      if (this.peek() === 'in') {
        this.next();
        while (!this.done() && this.peek() !== ';' && this.peek() !== 'do') items.push(this.next()!);
      }
      while (this.peek() === ';') this.next();
      this.expect('do');
      const body = this.list(['done']);
      this.expect('done');
      return { type: 'for', variable, items, body };
    }
    if (tok === 'if' || tok === 'case' || tok === '(' || tok === '{') throw new Error(`unsupported: ${tok}`);
    const words: string[] = [];
    while (!this.done() && !['&&', '||', ';', '|', '&'].includes(this.peek()!)) words.push(this.next()!);
    return simpleCommand(words);
  }
  expect(tok: string): void {
    if (this.next() !== tok) throw new Error(`expected ${tok}`);
  }
}

/** `sleep` arguments (summed, as GNU sleep does) in ms; undefined if not understood */
function sleepMs(args: string[]): number | undefined {
  if (args.length === 0) return undefined;
  let total = 0;
  for (const a of args) {
    if (a === 'infinity' || a === 'inf') return Number.POSITIVE_INFINITY;
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) return undefined;
    const unit = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]!]!;
    total += Number(m[1]) * unit;
  }
  return Math.round(total);
}

function echoText(args: string[]): string {
  let rest = args;
  while (rest[0] && /^-[neE]+$/.test(rest[0])) rest = rest.slice(1);
  return rest.join(' ');
}

function printfText(args: string[]): string {
  const [fmt = '', ...vals] = args;
  let k = 0;
  const s = fmt.replace(/%[sd]/g, () => vals[k++] ?? '').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}

class ExitSignal {
  constructor(readonly code: number) {}
}

function substitute(words: string[], vars: Map<string, string>): string[] {
  if (vars.size === 0) return words;
  return words.map((w) => w.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (all, name: string) => vars.get(name) ?? all));
}

interface Ctx {
  vars: Map<string, string>;
  /** the last simple command of the whole script: unknown there means "server" */
  last: Simple | undefined;
}

function* runSimple(cmd: Simple, ctx: Ctx): Generator<Step, number, void> {
  let words = substitute(cmd.words, ctx.vars);
  while (words[0] && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) words = words.slice(1); // FOO=bar cmd
  if (words[0] === 'exec') words = words.slice(1);
  if (words.length === 0) return 0;
  const name = basename(words[0]!);
  const args = words.slice(1);
  switch (name) {
    case 'true':
    case ':':
    case 'trap':
      return 0;
    case 'false':
      return 1;
    case 'echo':
      yield { kind: 'log', text: echoText(args) };
      return 0;
    case 'printf':
      yield { kind: 'log', text: printfText(args) };
      return 0;
    case 'exit': {
      const code = args[0] === undefined ? 0 : Number.parseInt(args[0], 10);
      throw new ExitSignal(Number.isFinite(code) ? code & 0xff : 2);
    }
    case 'sleep': {
      const ms = sleepMs(args);
      if (ms === undefined) return 1;
      yield { kind: 'wait', ms };
      return 0;
    }
    default:
      if (cmd.sub) return yield* runList(cmd.sub, ctx);
      if (cmd === ctx.last) {
        yield { kind: 'serve' };
        return 0;
      }
      return 0;
  }
}

function* runList(list: List, ctx: Ctx): Generator<Step, number, void> {
  let status = 0;
  let skip: Op | undefined;
  for (const { cmd, op } of list.items) {
    const run = skip === undefined || (skip === '&&' ? status === 0 : status !== 0);
    if (run) {
      if (cmd.type === 'simple') status = yield* runSimple(cmd, ctx);
      else if (cmd.type === 'while') {
        for (;;) {
          let progressed = false;
          for (const step of iterate(runList(cmd.body, ctx))) {
            progressed ||= step.kind === 'wait' && step.ms > 0;
            yield step;
          }
          // a loop that never waits would spin forever in no time: make it a server
          if (!progressed) {
            yield { kind: 'serve' };
          }
        }
      } else {
        for (const item of cmd.items) {
          ctx.vars.set(cmd.variable, item);
          status = yield* runList(cmd.body, ctx);
        }
      }
    }
    skip = op === ';' ? undefined : op;
  }
  return status;
}

/** yields the steps of `gen`, discarding its return value */
function* iterate(gen: Generator<Step, number, void>): Generator<Step, void, void> {
  yield* gen;
}

function parseScript(script: string): List {
  const p = new Parser(tokenize(script));
  const list = p.list();
  if (!p.done()) throw new Error('trailing tokens');
  return list;
}

/** the script of `sh -c SCRIPT ...` / `sh -ec SCRIPT`, or undefined */
function shellScript(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (/^-[a-z]*c[a-z]*$/.test(a)) return args[i + 1];
    if (!a.startsWith('-')) return undefined;
  }
  return undefined;
}

/** a simple command; `sh -c SCRIPT` gets its script parsed (throws if not understood) */
function simpleCommand(words: string[]): Simple {
  const cmd: Simple = { type: 'simple', words };
  const argv = words[0] === 'exec' ? words.slice(1) : words;
  if (argv[0] && SHELLS.has(basename(argv[0]))) {
    const script = shellScript(argv.slice(1));
    if (script !== undefined) cmd.sub = parseScript(script);
  }
  return cmd;
}

/** the command that runs last in `list` (following `sh -c`), if it is a simple one */
function lastSimple(list: List): Simple | undefined {
  const last = list.items[list.items.length - 1]?.cmd;
  if (!last || last.type !== 'simple') return undefined;
  return last.sub ? lastSimple(last.sub) : last;
}

/** true when `list` or a nested script traps SIGTERM */
function trapsTerm(list: List): boolean {
  return list.items.some(({ cmd }) => {
    if (cmd.type === 'simple') {
      if (cmd.sub) return trapsTerm(cmd.sub);
      return cmd.words[0] === 'trap' && cmd.words.slice(2).some((w) => /^(SIG)?TERM$|^15$|^EXIT$/.test(w));
    }
    return trapsTerm(cmd.body);
  });
}

const SERVER: Behaviour = {
  server: true,
  handlesSigterm: true,
  *run() {
    yield { kind: 'serve' };
    return 0;
  },
};

/** Read `command` + `args` (args alone when the image's entrypoint is left alone). */
export function parseBehaviour(command: readonly string[] | undefined, args: readonly string[] | undefined): Behaviour {
  let argv: string[];
  if (command && command.length > 0) argv = [...command, ...(args ?? [])];
  else if (args && args.length > 0 && (BUILTINS.has(basename(args[0]!)) || SHELLS.has(basename(args[0]!)))) argv = [...args];
  else return SERVER;
  let top: List;
  try {
    top = { items: [{ cmd: simpleCommand(argv), op: ';' }] };
  } catch {
    return SERVER;
  }
  const last = lastSimple(top);
  const lastWords = last ? (last.words[0] === 'exec' ? last.words.slice(1) : last.words) : [];
  const lastName = basename(lastWords[0] ?? '');
  const endsInServer = last !== undefined && lastName !== '' && !BUILTINS.has(lastName) && !SHELLS.has(lastName);
  const traps = trapsTerm(top);
  return {
    server: endsInServer,
    handlesSigterm: endsInServer || traps,
    *run() {
      try {
        return yield* runList(top, { vars: new Map(), last });
      } catch (err) {
        if (err instanceof ExitSignal) return err.code;
        throw err;
      }
    },
  };
}

/** Run a probe's or hook's exec command to completion: its exit code and total wait (ms). */
export function evaluateExec(command: readonly string[] | undefined): { exitCode: number; ms: number } {
  if (!command || command.length === 0) return { exitCode: 0, ms: 0 };
  const b = parseBehaviour(command, undefined);
  if (b.server) return { exitCode: 0, ms: 0 };
  const gen = b.run();
  let ms = 0;
  for (let i = 0; i < 10_000; i++) {
    const r = gen.next();
    if (r.done) return { exitCode: r.value, ms };
    if (r.value.kind === 'wait') ms += r.value.ms;
    if (r.value.kind === 'serve' || ms === Number.POSITIVE_INFINITY) break;
  }
  return { exitCode: 0, ms };
}
