// Test helpers for the scheduler (and for other packages' tests that need one):
// object builders and an in-memory cluster that answers the scheduler's API calls.
export * from './builders.ts';
export * from './fake-cluster.ts';
export * from './harness.ts';
export * from './test-framework.ts';
