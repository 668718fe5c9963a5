// Reads HTTP/1.1 responses off one keep-alive connection, as bytes arrive in any split
// (RFC 9112): a status line and header fields, then a body framed by Transfer-Encoding:
// chunked, by Content-Length, or (neither) by the end of the connection; 1xx answers are
// skipped, 204 and 304 have no body. http1-pool.ts feeds it; it is a small, plain parser
// so that a client sending 10,000 writes spends little per answer (node:http's client
// machinery costs several times more per request).
//   const p = new Http1ResponseParser((res) => handle(res));
//   socket.on('data', (b) => p.push(b)); socket.on('end', () => p.end());

export interface Http1Response {
  statusCode: number;
  /** header fields by lower-case name; repeated fields joined with ", " */
  headers: Map<string, string>;
  body: Buffer;
}

export class Http1ParseError extends Error {
  override name = 'Http1ParseError';
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
export const MAX_HEAD_BYTES = 64 * 1024;

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'until-close';

export class Http1ResponseParser {
  #buf: Buffer = Buffer.alloc(0);
  #state: State = 'head';
  #status = 0;
  #headers = new Map<string, string>();
  #remaining = 0;
  #parts: Buffer[] = [];

  constructor(private readonly onResponse: (res: Http1Response) => void) {}

  /** true between responses (nothing of the next one read yet) */
  get idle(): boolean {
    return this.#state === 'head' && this.#buf.length === 0;
  }

  /** true when the response being read ends with the connection */
  get readsUntilClose(): boolean {
    return this.#state === 'until-close';
  }

  /** Takes the next bytes; calls onResponse for every response they complete. Throws
   *  Http1ParseError on a malformed response (the connection is then unusable). */
  push(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    for (;;) {
      const progressed = this.#step();
      if (!progressed) return;
    }
  }

  /** The connection ended: completes a body that runs until the close; throws when a
   *  response was cut off. */
  end(): void {
    if (this.#state === 'until-close') {
      this.#parts.push(this.#buf);
      this.#buf = Buffer.alloc(0);
      this.#finish();
      return;
    }
    if (!this.idle) throw new Http1ParseError('connection closed in the middle of a response');
  }

  /** one parsing step over the buffer; false when it needs more bytes */
  #step(): boolean {
    const buf = this.#buf;
    switch (this.#state) {
      case 'head': {
        if (buf.length === 0) return false;
        const end = buf.indexOf(HEAD_END);
        if (end < 0) {
          if (buf.length > MAX_HEAD_BYTES) throw new Http1ParseError(`response head longer than ${MAX_HEAD_BYTES} bytes`);
          return false;
        }
        this.#readHead(buf.toString('latin1', 0, end));
        this.#buf = buf.subarray(end + 4);
        this.#startBody();
        return true;
      }
      case 'length':
        if (buf.length === 0) return false;
        if (this.#takeBody() === 0) this.#finish();
        return true;
      case 'chunk-size': {
        const eol = buf.indexOf(CRLF);
        if (eol < 0) {
          if (buf.length > 1024) throw new Http1ParseError('chunk size line too long');
          return false;
        }
        const line = buf.toString('latin1', 0, eol);
        const semi = line.indexOf(';');
        const hex = (semi < 0 ? line : line.slice(0, semi)).trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new Http1ParseError(`bad chunk size ${JSON.stringify(hex)}`);
        this.#remaining = parseInt(hex, 16);
        this.#buf = buf.subarray(eol + 2);
        this.#state = this.#remaining === 0 ? 'trailer' : 'chunk-data';
        return true;
      }
      case 'chunk-data':
        if (buf.length === 0) return false;
        if (this.#takeBody() === 0) this.#state = 'chunk-end';
        return true;
      case 'chunk-end': {
        if (buf.length < 2) return false;
        if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw new Http1ParseError('chunk data not followed by CRLF');
        this.#buf = buf.subarray(2);
        this.#state = 'chunk-size';
        return true;
      }
      case 'trailer': {
        // trailer fields, if any, up to an empty line; kubesim reads none of them
        const eol = buf.indexOf(CRLF);
        if (eol < 0) {
          if (buf.length > MAX_HEAD_BYTES) throw new Http1ParseError('trailer section too long');
          return false;
        }
        this.#buf = buf.subarray(eol + 2);
        if (eol === 0) this.#finish();
        return true;
      }
      case 'until-close':
        if (buf.length === 0) return false;
        this.#parts.push(buf);
        this.#buf = Buffer.alloc(0);
        return false;
    }
  }

  /** moves up to the bytes still expected from the buffer into the body; returns how many
   *  are still expected after that */
  #takeBody(): number {
    const n = Math.min(this.#remaining, this.#buf.length);
    this.#parts.push(this.#buf.subarray(0, n));
    this.#buf = this.#buf.subarray(n);
    this.#remaining -= n;
    return this.#remaining;
  }

  #readHead(text: string): void {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]!);
    if (!m) throw new Http1ParseError(`bad status line ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    this.#status = Number(m[1]);
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0 || line[0] === ' ' || line[0] === '\t') throw new Http1ParseError(`bad header line ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      const had = headers.get(name);
      headers.set(name, had === undefined ? value : `${had}, ${value}`);
    }
    this.#headers = headers;
  }

  #startBody(): void {
    const status = this.#status;
    if (status >= 100 && status < 200) {
      // an interim answer (100 Continue, 103 Early Hints): the real one follows
      this.#state = 'head';
      return;
    }
    this.#parts = [];
    if (status === 204 || status === 304) return this.#finish();
    const te = this.#headers.get('transfer-encoding');
    if (te !== undefined) {
      const codings = te.toLowerCase().split(',').map((c) => c.trim());
      if (codings[codings.length - 1] !== 'chunked') {
        this.#state = 'until-close';
        return;
      }
      this.#state = 'chunk-size';
      return;
    }
    const cl = this.#headers.get('content-length');
    if (cl !== undefined) {
      const values = new Set(cl.split(',').map((v) => v.trim()));
      const [only] = values;
      if (values.size !== 1 || !/^\d{1,15}$/.test(only!)) throw new Http1ParseError(`bad Content-Length ${JSON.stringify(cl)}`);
      this.#remaining = Number(only);
      if (this.#remaining === 0) return this.#finish();
      this.#state = 'length';
      return;
    }
    this.#state = 'until-close';
  }

  #finish(): void {
    const parts = this.#parts;
    const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const res: Http1Response = { statusCode: this.#status, headers: this.#headers, body };
    this.#parts = [];
    this.#state = 'head';
    this.onResponse(res);
  }
}
