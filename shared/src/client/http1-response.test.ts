import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Http1ParseError, Http1ResponseParser, type Http1Response } from './http1-response.ts';

/** parse `bytes` fed in pieces cut at `cuts`, then end the connection */
function parseAll(bytes: Buffer, cuts: number[] = [], end = true): Http1Response[] {
  const out: Http1Response[] = [];
  const p = new Http1ResponseParser((r) => out.push(r));
  let at = 0;
  for (const c of [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b)) {
    p.push(bytes.subarray(at, c));
    at = c;
  }
  p.push(bytes.subarray(at));
  if (end) p.end();
  return out;
}

const chunked = (body: Buffer, sizes: number[]): Buffer => {
  const parts: Buffer[] = [];
  let at = 0;
  for (const s of sizes) {
    if (at >= body.length) break;
    const piece = body.subarray(at, at + Math.max(1, s));
    at += piece.length;
    parts.push(Buffer.from(`${piece.length.toString(16)}${s % 3 === 0 ? ';ext=1' : ''}\r\n`), piece, Buffer.from('\r\n'));
  }
  if (at < body.length) parts.push(Buffer.from(`${(body.length - at).toString(16)}\r\n`), body.subarray(at), Buffer.from('\r\n'));
  parts.push(Buffer.from('0\r\nX-Trailer: 1\r\n\r\n'));
  return Buffer.concat(parts);
};

describe('Http1ResponseParser', () => {
  it('reads a Content-Length body, lower-cases header names and joins repeated fields', () => {
    const [res, ...more] = parseAll(Buffer.from('HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 7\r\n\r\n{"a":1}'));
    expect(more).toEqual([]);
    expect(res!.statusCode).toBe(201);
    expect(res!.headers.get('content-type')).toBe('application/json');
    expect(res!.headers.get('x-a')).toBe('1, 2');
    expect(res!.body.toString()).toBe('{"a":1}');
  });

  it('skips interim 1xx answers and reads 204 and 304 without a body', () => {
    const out = parseAll(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 12\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    expect(out.map((r) => [r.statusCode, r.body.length])).toEqual([[204, 0], [304, 0], [200, 0]]);
  });

  it('reads a body without length up to the end of the connection', () => {
    const out: Http1Response[] = [];
    const p = new Http1ResponseParser((r) => out.push(r));
    p.push(Buffer.from('HTTP/1.0 200 OK\r\n\r\nhello '));
    p.push(Buffer.from('world'));
    expect(out).toEqual([]);
    expect(p.readsUntilClose).toBe(true);
    p.end();
    expect(out[0]!.body.toString()).toBe('hello world');
  });

  it('refuses malformed answers with Http1ParseError', () => {
    for (const bad of [
      'HTTP/2 200 OK\r\n\r\n',
      'HTTP/1.1 20 OK\r\n\r\n',
      'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabc',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXY',
    ]) {
      expect(() => parseAll(Buffer.from(bad)), bad).toThrow(Http1ParseError);
    }
    expect(() => parseAll(Buffer.from(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`), [], false)).toThrow(Http1ParseError);
  });

  it('says a response cut off by the end of the connection was cut off', () => {
    expect(() => parseAll(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'))).toThrow(/closed in the middle/);
    expect(() => parseAll(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le'))).toThrow(/closed in the middle/);
  });

  it('reads the same answers however the bytes are split, framed by length or in chunks', () => {
    const response = fc.record({
      status: fc.constantFrom(200, 201, 404, 409, 429, 500),
      body: fc.uint8Array({ maxLength: 300 }),
      chunks: fc.option(fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 8 }), { nil: undefined }),
      extra: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.stringMatching(/^[ -~]{0,12}$/).map((s) => s.trim()), { maxKeys: 3 }),
    });
    fc.assert(
      fc.property(fc.array(response, { minLength: 1, maxLength: 4 }), fc.array(fc.nat({ max: 3000 }), { maxLength: 12 }), (responses, cuts) => {
        const wire = Buffer.concat(
          responses.map((r) => {
            const body = Buffer.from(r.body);
            const fields = Object.entries(r.extra).filter(([k]) => k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection');
            const head = [`HTTP/1.1 ${r.status} X`, ...fields.map(([k, v]) => `${k}: ${v}`)];
            if (r.chunks) return Buffer.concat([Buffer.from([...head, 'Transfer-Encoding: chunked', '', ''].join('\r\n')), chunked(body, r.chunks)]);
            return Buffer.concat([Buffer.from([...head, `Content-Length: ${body.length}`, '', ''].join('\r\n')), body]);
          }),
        );
        const out = parseAll(wire, cuts);
        expect(out.map((r) => [r.statusCode, r.body.toString('hex')])).toEqual(responses.map((r) => [r.status, Buffer.from(r.body).toString('hex')]));
        for (let i = 0; i < out.length; i++) {
          for (const [k, v] of Object.entries(responses[i]!.extra)) if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') expect(out[i]!.headers.get(k)).toBe(v);
        }
      }),
    );
  });
});
