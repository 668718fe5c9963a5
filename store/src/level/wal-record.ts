// One record of the level store's write-ahead log (wal.ts): a group commit's LevelDB ops.
// Little-endian: crc32 u32 (of all that follows) | payload length u32 | seq u64 | revision
// u64 | payload = op count u32, then per op: type u8 (1 put, 2 del), key length u32 + UTF-8,
// for a put value length u32 + UTF-8. `seq` counts records for the life of the data dir, so
// a stale record in a reused segment (older seq) or a torn one (bad crc) never passes for
// the next record.

import { crc32 } from 'node:zlib';
import type { RecordOp } from '../history-records.ts';

export const RECORD_HEADER_BYTES = 24;
const PUT = 1;
const DEL = 2;

export interface WalRecord {
  seq: number;
  /** the store revision once the record's ops are applied */
  revision: number;
  ops: RecordOp[];
}

/** The bytes of one record. */
export function encodeRecord(seq: number, revision: number, ops: readonly RecordOp[]): Buffer {
  let size = RECORD_HEADER_BYTES + 4;
  for (const op of ops) {
    size += 5 + Buffer.byteLength(op.key);
    if (op.type === 'put') size += 4 + Buffer.byteLength(op.value);
  }
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32LE(size - RECORD_HEADER_BYTES, 4);
  writeU64(buf, seq, 8);
  writeU64(buf, revision, 16);
  let at = RECORD_HEADER_BYTES;
  buf.writeUInt32LE(ops.length, at);
  at += 4;
  for (const op of ops) {
    buf[at++] = op.type === 'put' ? PUT : DEL;
    at = writeString(buf, op.key, at);
    if (op.type === 'put') at = writeString(buf, op.value, at);
  }
  buf.writeUInt32LE(crc32(buf.subarray(4)), 0);
  return buf;
}

/** The record's seq and length as read from its header, or undefined when none fits at `at`. */
export function peekRecord(buf: Buffer, at: number): { seq: number; bytes: number } | undefined {
  if (at + RECORD_HEADER_BYTES > buf.length) return undefined;
  const length = buf.readUInt32LE(at + 4);
  if (length === 0 || at + RECORD_HEADER_BYTES + length > buf.length) return undefined;
  return { seq: readU64(buf, at + 8), bytes: RECORD_HEADER_BYTES + length };
}

/**
 * The record at `at`, or undefined when there is none: zeros (never written), a torn
 * write (checksum mismatch), or a length that runs past the buffer.
 */
export function decodeRecord(buf: Buffer, at: number): (WalRecord & { bytes: number }) | undefined {
  const head = peekRecord(buf, at);
  if (!head) return undefined;
  const body = buf.subarray(at, at + head.bytes);
  if (crc32(body.subarray(4)) !== body.readUInt32LE(0)) return undefined;
  try {
    const revision = readU64(body, 16);
    let p = RECORD_HEADER_BYTES;
    const count = body.readUInt32LE(p);
    p += 4;
    const ops: RecordOp[] = [];
    for (let i = 0; i < count; i++) {
      const type = body[p++];
      const key = readString(body, p);
      p = key.next;
      if (type === PUT) {
        const value = readString(body, p);
        p = value.next;
        ops.push({ type: 'put', key: key.text, value: value.text });
      } else if (type === DEL) ops.push({ type: 'del', key: key.text });
      else return undefined;
    }
    if (p !== body.length) return undefined;
    return { seq: head.seq, revision, ops, bytes: head.bytes };
  } catch {
    return undefined; // a length inside the payload ran past it: not a record we wrote
  }
}

function writeU64(buf: Buffer, n: number, at: number): void {
  buf.writeUInt32LE(n % 0x1_0000_0000, at);
  buf.writeUInt32LE(Math.floor(n / 0x1_0000_0000), at + 4);
}

function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x1_0000_0000;
}

function writeString(buf: Buffer, s: string, at: number): number {
  const n = buf.write(s, at + 4, 'utf8');
  buf.writeUInt32LE(n, at);
  return at + 4 + n;
}

function readString(buf: Buffer, at: number): { text: string; next: number } {
  const n = buf.readUInt32LE(at);
  const end = at + 4 + n;
  if (end > buf.length) throw new RangeError('string runs past the record');
  return { text: buf.toString('utf8', at + 4, end), next: end };
}
