// The work queue (client-go's workqueue): a deduplicating queue where one key is never
// processed by two workers at once, plus delayed and rate-limited (backoff) adds.
export * from './fifo.ts';
export * from './queue.ts';
export * from './rate-limiter.ts';
export * from './rate-limiting-queue.ts';
