import { describe, expect, it } from 'vitest';
import { makePod } from '../testing/builders.ts';
import { computePodRequests, DEFAULT_MEMORY_REQUEST } from './resources.ts';

describe('computePodRequests', () => {
  const c = (name: string, cpu?: string, restartPolicy?: string) => ({ name, ...(cpu ? { resources: { requests: { cpu } } } : {}), ...(restartPolicy ? { restartPolicy } : {}) });
  const cases: Array<{ name: string; pod: Parameters<typeof makePod>[1]; cpu: number; nonZeroCpu: number }> = [
    { name: 'app containers add up', pod: { containers: [c('a', '100m'), c('b', '200m')] }, cpu: 300, nonZeroCpu: 300 },
    { name: 'the largest init container wins when it is bigger than the app', pod: { containers: [c('a', '100m')], initContainers: [c('i', '500m'), c('j', '50m')] }, cpu: 500, nonZeroCpu: 500 },
    { name: 'overhead is added on top', pod: { containers: [c('a', '100m')], overhead: { cpu: '10m' } }, cpu: 110, nonZeroCpu: 110 },
    { name: 'a sidecar runs beside the app and before later init containers', pod: { containers: [c('a', '100m')], initContainers: [c('proxy', '50m', 'Always'), c('migrate', '400m')] }, cpu: 450, nonZeroCpu: 450 },
    { name: 'a container without requests counts as 100m only for scoring', pod: { containers: [c('a'), c('b', '200m')] }, cpu: 200, nonZeroCpu: 300 },
  ];
  for (const t of cases) {
    it(t.name, () => {
      const pod = makePod('p', t.pod);
      expect(computePodRequests(pod, false).milliCPU).toBe(t.cpu);
      expect(computePodRequests(pod, true).milliCPU).toBe(t.nonZeroCpu);
    });
  }

  it('memory without a request counts as 200 MB for scoring', () => {
    expect(computePodRequests(makePod('p'), true).memory).toBe(DEFAULT_MEMORY_REQUEST);
    expect(computePodRequests(makePod('p', { memory: '1Gi' }), true).memory).toBe(1024 ** 3);
  });
});
