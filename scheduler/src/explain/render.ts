// Explanations as text, for `kubesim explain pod NAME` and `?format=text`: a header with
// the outcome, a filter table (which plugin rejected each node and why), a score table
// (per plugin raw → normalized × weight = weighted, and the total; the chosen node marked)
// and what preemption did. Big clusters are summarized: rejections grouped by reason,
// only the top-scored nodes listed. `renderExplanation(e, { maxRows })`.

import type { Explanation, NodeScoreRow } from './decision.ts';

export interface RenderOptions {
  /** list nodes one per row up to this many; beyond, group or cut (default 25) */
  maxRows?: number;
}

function table(header: string[], rows: string[][], indent = '  '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => indent + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function outcomeLine(e: Explanation): string {
  switch (e.outcome) {
    case 'Scheduled':
      return `scheduled on ${e.node}`;
    case 'Binding':
      return `assigned to ${e.node}, binding in progress`;
    case 'Gated':
      return 'not tried yet: held by scheduling gates';
    case 'Error':
      return 'scheduling failed with an error';
    default:
      return 'unschedulable';
  }
}

function renderFilters(e: Explanation, maxRows: number): string[] {
  const out: string[] = [];
  if (e.preFilter) {
    out.push(`PreFilter rejected the pod before any node was checked${e.preFilter.plugin ? ` (${e.preFilter.plugin})` : ''}:`);
    out.push(`  ${e.preFilter.message}`);
    return out;
  }
  const total = e.rejectedNodes.length + e.feasibleNodes.length;
  if (total === 0) return out;
  out.push('Filter (the first plugin that rejects a node decides; later plugins are not asked):');
  if (total <= maxRows) {
    const rows = [
      ...e.rejectedNodes.map((r) => [r.node, 'rejected', r.plugin ?? '', r.reasons.join('; ')]),
      ...e.feasibleNodes.map((n) => [n, 'fits', '', '']),
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    out.push(...table(['NODE', 'RESULT', 'PLUGIN', 'REASON'], rows));
  } else {
    const groups = new Map<string, string[]>();
    for (const r of e.rejectedNodes) {
      const k = `${r.plugin ?? ''}\u0000${r.reasons.join('; ')}`;
      const g = groups.get(k) ?? [];
      g.push(r.node);
      groups.set(k, g);
    }
    const sample = (nodes: readonly string[]): string => nodes.slice(0, 3).join(', ') + (nodes.length > 3 ? ', …' : '');
    const rows = [...groups].sort((a, b) => b[1].length - a[1].length).map(([k, nodes]) => {
      const [plugin, reason] = k.split('\u0000');
      return [String(nodes.length), plugin ?? '', reason ?? '', sample(nodes)];
    });
    if (e.feasibleNodes.length > 0) rows.unshift([String(e.feasibleNodes.length), '', 'fits', sample(e.feasibleNodes)]);
    out.push(...table(['NODES', 'PLUGIN', 'REASON', 'E.G.'], rows));
  }
  if (e.skippedFilterPlugins.length > 0) out.push(`  (not needed for this pod: ${e.skippedFilterPlugins.join(', ')})`);
  return out;
}

function renderScores(e: Explanation, maxRows: number): string[] {
  const s = e.score;
  if (!s) {
    if (e.nodes.feasible === 1 && e.node) return ['Score: only one node fits, so it was chosen without scoring.'];
    return [];
  }
  const out = ['Score (raw → normalized × weight = weighted; the highest total wins):'];
  const header = ['NODE', ...s.plugins.map((p) => `${p.name}×${p.weight}`), 'TOTAL'];
  const row = (r: NodeScoreRow): string[] => [
    r.chosen ? `${r.node} ◀` : r.node,
    ...s.plugins.map((p) => {
      const v = r.plugins[p.name]!;
      return v.raw === v.normalized ? `${v.normalized} = ${v.weighted}` : `${v.raw} → ${v.normalized} = ${v.weighted}`;
    }),
    String(r.total),
  ];
  const shown = s.nodes.slice(0, maxRows);
  const chosen = s.nodes.find((r) => r.chosen);
  if (chosen && !shown.includes(chosen)) shown.push(chosen);
  out.push(...table(header, shown.map(row)));
  const more = s.nodes.length - shown.length + s.omitted;
  if (more > 0) out.push(`  … and ${more} more nodes with lower totals`);
  if (s.ties > 1) out.push(`  ${s.ties} nodes tied for the highest total; one was picked at random.`);
  if (s.skippedPlugins.length > 0) out.push(`  (not scored for this pod: ${s.skippedPlugins.join(', ')})`);
  return out;
}

export function renderExplanation(e: Explanation, opts: RenderOptions = {}): string {
  const maxRows = opts.maxRows ?? 25;
  const lines: string[] = [];
  lines.push(`Pod ${e.pod}: ${outcomeLine(e)}`);
  lines.push(`  profile ${e.profile}, attempt ${e.attempt}, at ${e.time}`);
  if (e.outcome !== 'Gated') {
    const n = e.nodes;
    const sampling = n.toFind > 0 && n.toFind < n.total ? ` (stops after ${n.toFind} feasible nodes, starting at node #${n.startIndex})` : '';
    lines.push(`  nodes: ${n.total} in the cluster, ${n.evaluated} checked${sampling}, ${n.feasible} feasible`);
  }
  if (e.nominatedNode) {
    lines.push(`  nominated node ${e.nominatedNode.node} tried first: ${e.nominatedNode.passed ? 'fits' : `rejected (${e.nominatedNode.reasons.join('; ')})`}`);
  }
  const sections = [renderFilters(e, maxRows), renderScores(e, maxRows)];
  if (e.preemption) {
    const p = e.preemption;
    const pre: string[] = ['Preemption:'];
    if (p.nominatedNodeName) {
      pre.push(`  nominated to ${p.nominatedNodeName}; evicting ${p.victims.length} lower-priority pod(s): ${p.victims.join(', ')}`);
    } else pre.push(`  ${p.message || 'did not help'}`);
    sections.push(pre);
  }
  if (e.message && e.outcome !== 'Scheduled' && e.outcome !== 'Binding') sections.push(['Message:', `  ${e.message}`]);
  for (const s of sections) if (s.length > 0) lines.push('', ...s);
  return lines.join('\n') + '\n';
}
