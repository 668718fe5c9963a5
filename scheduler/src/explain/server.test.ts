import { describe, expect, it } from 'vitest';
import type { Explanation } from './decision.ts';
import { startDebugServer } from './server.ts';

const sample: Explanation = {
  pod: 'default/web-abc',
  uid: 'u1',
  profile: 'default-scheduler',
  attempt: 1,
  time: '2025-01-01T00:00:00Z',
  outcome: 'Scheduled',
  node: 'node-2',
  nodes: { total: 2, evaluated: 2, feasible: 1, toFind: 2, startIndex: 0 },
  skippedFilterPlugins: [],
  feasibleNodes: ['node-2'],
  rejectedNodes: [{ node: 'node-1', plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] }],
};

describe('debug server', () => {
  it('serves /healthz and explanations as JSON or text, on 127.0.0.1 only', async () => {
    const srv = await startDebugServer({ port: 0, explain: (ns, name) => (ns === 'default' && name === 'web-abc' ? sample : undefined) });
    try {
      expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${srv.url}/healthz`)).text()).toBe('ok');
      const json = await fetch(`${srv.url}/explain/default/web-abc`);
      expect(json.status).toBe(200);
      expect(await json.json()).toEqual(sample);
      const text = await (await fetch(`${srv.url}/explain/default/web-abc?format=text`)).text();
      expect(text).toContain('Pod default/web-abc: scheduled on node-2');
      expect(text).toContain('Score: only one node fits, so it was chosen without scoring.');
      const missing = await fetch(`${srv.url}/explain/default/nope`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: 'no scheduling decision recorded for pod default/nope' });
    } finally {
      await srv.close();
    }
  });
});
