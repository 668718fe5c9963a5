// One segment file of the write-ahead log (wal.ts): a file of fixed size, zero-filled and
// synced when created, then overwritten record by record and reused once a checkpoint has
// made its records redundant. Overwriting blocks that already exist changes no file
// metadata, so each synced write costs a data sync only (an append would also commit the
// new file size through the filesystem's journal). etcd preallocates its WAL files too.
// Writes go through O_DSYNC (`sync: 'dsync'`) or write + fdatasync (`'fdatasync'`).

import { close as fsClose, constants, fdatasync, fstat, open as fsOpen, promises as fsp, read as fsRead, write as fsWrite, type PathLike } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

export type WalSync = 'dsync' | 'fdatasync';

const ZERO_CHUNK = 1 << 20;

export class WalSegment {
  /** highest record seq written into the segment in its current use (0: none) */
  lastSeq = 0;

  private constructor(
    readonly path: string,
    readonly size: number,
    private readonly fd: number,
    private readonly sync: WalSync,
  ) {}

  /** Creates a zero-filled file of `size` bytes, syncs it and its directory, and opens it. */
  static async create(path: string, size: number, sync: WalSync): Promise<WalSegment> {
    const tmp = `${path}.tmp`;
    const h = await fsp.open(tmp, 'w', 0o644);
    try {
      const zeros = Buffer.alloc(Math.min(ZERO_CHUNK, size));
      for (let at = 0; at < size; at += zeros.length) await h.write(zeros, 0, Math.min(zeros.length, size - at), at);
      await h.sync();
    } finally {
      await h.close();
    }
    // Renamed only once whole: a crash mid-creation leaves a .tmp file, never a short segment.
    await fsp.rename(tmp, path);
    await syncDir(dirname(path));
    return WalSegment.open(path, sync);
  }

  /** Opens an existing segment for reading and overwriting. */
  static async open(path: string, sync: WalSync): Promise<WalSegment> {
    // A raw fd rather than a FileHandle: callback-style writes save a promise hop per record.
    const fd = await promisify(fsOpen)(path, constants.O_RDWR | (sync === 'dsync' ? constants.O_DSYNC : 0));
    const { size } = await promisify(fstat)(fd);
    return new WalSegment(path, size, fd, sync);
  }

  /** Writes `buf` at `at` and returns once it is on disk. */
  write(buf: Buffer, at: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const step = (done: number): void => {
        fsWrite(this.fd, buf, done, buf.length - done, at + done, (err, n) => {
          if (err) return reject(err);
          if (done + n < buf.length) return step(done + n);
          if (this.sync === 'dsync') return resolve();
          fdatasync(this.fd, (e) => (e ? reject(e) : resolve()));
        });
      };
      step(0);
    });
  }

  async readAll(): Promise<Buffer> {
    const buf = Buffer.alloc(this.size);
    let done = 0;
    while (done < this.size) {
      const n = await new Promise<number>((resolve, reject) =>
        fsRead(this.fd, buf, done, this.size - done, done, (err, bytes) => (err ? reject(err) : resolve(bytes))),
      );
      if (n === 0) break;
      done += n;
    }
    return buf;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => fsClose(this.fd, (err) => (err ? reject(err) : resolve())));
  }
}

/** fsyncs a directory, so that the files created or renamed in it survive a power loss. */
export async function syncDir(dir: PathLike): Promise<void> {
  const h = await fsp.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
