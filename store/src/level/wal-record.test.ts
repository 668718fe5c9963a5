// Round trips of write-ahead log records, and the ways a record read back is refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordOp } from '../history-records.ts';
import { decodeRecord, encodeRecord, RECORD_HEADER_BYTES } from './wal-record.ts';

const op = fc.oneof(
  fc.record({ type: fc.constant('put' as const), key: fc.string({ unit: 'grapheme' }), value: fc.string({ unit: 'grapheme' }) }),
  fc.record({ type: fc.constant('del' as const), key: fc.string({ unit: 'grapheme' }) }),
);

describe('write-ahead log record', () => {
  it('decodes what it encoded: seq, revision and every op', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.nat(), fc.array(op, { maxLength: 8 }), (seq, revision, ops: RecordOp[]) => {
        const buf = encodeRecord(seq, revision, ops);
        const padded = Buffer.concat([Buffer.alloc(7, 0xff), buf, Buffer.alloc(9)]);
        expect(decodeRecord(padded, 7)).toEqual({ seq, revision, ops, bytes: buf.length });
      }),
    );
  });

  it('reads zeros as no record', () => {
    expect(decodeRecord(Buffer.alloc(4096), 0)).toBeUndefined();
    expect(decodeRecord(Buffer.alloc(10), 0)).toBeUndefined();
  });

  it('refuses a torn record: cut short, or any byte changed', () => {
    const buf = encodeRecord(3, 9, [{ type: 'put', key: '/a', value: 'hello' }, { type: 'del', key: '/b' }]);
    expect(decodeRecord(buf.subarray(0, buf.length - 1), 0)).toBeUndefined();
    for (let i = 0; i < buf.length; i++) {
      const bad = Buffer.from(buf);
      bad[i] = bad[i]! ^ 0x10;
      expect(decodeRecord(bad, 0), `byte ${i}`).toBeUndefined();
    }
    // A torn write over zeros: the header arrived, the payload did not.
    const torn = Buffer.alloc(buf.length);
    buf.copy(torn, 0, 0, RECORD_HEADER_BYTES);
    expect(decodeRecord(torn, 0)).toBeUndefined();
  });
});
