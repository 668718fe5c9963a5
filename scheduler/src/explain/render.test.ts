import { describe, expect, it } from 'vitest';
import type { Explanation } from './decision.ts';
import { renderExplanation } from './render.ts';

const base: Explanation = {
  pod: 'default/big',
  uid: 'u',
  profile: 'default-scheduler',
  attempt: 3,
  time: '2025-01-01T00:00:00Z',
  outcome: 'Unschedulable',
  message: '0/3 nodes are available: 3 Insufficient cpu.',
  nodes: { total: 3, evaluated: 3, feasible: 0, toFind: 3, startIndex: 0 },
  skippedFilterPlugins: ['NodePorts'],
  feasibleNodes: [],
  rejectedNodes: ['n1', 'n2', 'n3'].map((node) => ({ node, plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] })),
  preemption: { message: 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.', victims: [] },
};

describe('renderExplanation', () => {
  it('lists each rejected node with the plugin and reason, then the message', () => {
    const text = renderExplanation(base);
    expect(text.split('\n').slice(0, 3)).toEqual([
      'Pod default/big: unschedulable',
      '  profile default-scheduler, attempt 3, at 2025-01-01T00:00:00Z',
      '  nodes: 3 in the cluster, 3 checked, 0 feasible',
    ]);
    expect(text).toContain('  NODE  RESULT    PLUGIN            REASON\n  n1    rejected  NodeResourcesFit  Insufficient cpu');
    expect(text).toContain('(not needed for this pod: NodePorts)');
    expect(text).toContain('Preemption:\n  preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    expect(text).toContain('Message:\n  0/3 nodes are available: 3 Insufficient cpu.');
  });

  it('groups rejections by reason in big clusters', () => {
    const rejectedNodes = Array.from({ length: 40 }, (_, i) => ({ node: `n${i}`, plugin: 'TaintToleration', code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {a: b}'] }));
    const text = renderExplanation({ ...base, rejectedNodes, nodes: { ...base.nodes, total: 40, evaluated: 40 } });
    expect(text).toMatch(/NODES\s+PLUGIN\s+REASON\s+E\.G\.\n\s+40\s+TaintToleration\s+node\(s\) had untolerated taint \{a: b\}\s+n0, n1, n2, …/);
  });
});
