// Named errors for expected outcomes of store calls. Anything else thrown is a bug.
// Check `instanceof` or `err.code`; the apiserver answers Compacted with 410 Gone (Expired).

export class StoreError extends Error {
  constructor(
    readonly code: 'Compacted' | 'FutureRevision' | 'InvalidKey' | 'InvalidValue' | 'ValueTooLarge' | 'LeaseNotFound' | 'Closed' | 'InvalidArgument',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** The requested revision (or a slow watcher's position) is older than the compacted revision. */
export class CompactedError extends StoreError {
  constructor(readonly requested: number, readonly compacted: number) {
    super('Compacted', `required revision ${requested} has been compacted (oldest available ${compacted})`);
  }
}

export class FutureRevisionError extends StoreError {
  constructor(readonly requested: number, readonly current: number) {
    super('FutureRevision', `required revision ${requested} is a future revision (current ${current})`);
  }
}

export const MAX_VALUE_BYTES = 3 * 1024 * 1024;

export function isCompacted(err: unknown): err is CompactedError {
  return err instanceof CompactedError;
}
