// proxy-sim's counters and gauges, rendered in the Prometheus text format on /metrics
// (kube-proxy publishes its own there, on port 10249). Series are keyed by name and labels;
// a service's series are dropped when the service goes, so deleted services do not linger.
//   metrics.inc('kubesim_proxy_connections_total', { namespace, service, port, frontend });
//   metrics.render()  // '# HELP ...\n# TYPE ...\nkubesim_proxy_connections_total{...} 3\n'

export type Labels = Readonly<Record<string, string>>;

interface Family {
  help: string;
  type: 'counter' | 'gauge';
  series: Map<string, { labels: Labels; value: number }>;
}

export const METRICS = {
  connections: ['kubesim_proxy_connections_total', 'counter', 'Connections accepted by a service frontend.'],
  rejected: ['kubesim_proxy_connections_rejected_total', 'counter', 'Connections reset because the service had no usable endpoint.'],
  failed: ['kubesim_proxy_connections_failed_total', 'counter', 'Connections reset because every usable endpoint failed to answer.'],
  active: ['kubesim_proxy_active_connections', 'gauge', 'Connections being forwarded now.'],
  endpointConnections: ['kubesim_proxy_endpoint_connections_total', 'counter', 'Connections forwarded to an endpoint.'],
  endpointErrors: ['kubesim_proxy_endpoint_connect_errors_total', 'counter', 'Failed attempts to connect to an endpoint (the next one is tried).'],
  bytes: ['kubesim_proxy_bytes_total', 'counter', 'Bytes forwarded, by direction (in: client to endpoint).'],
  endpoints: ['kubesim_proxy_endpoints', 'gauge', 'Endpoints of a service port, by state (usable: in rotation).'],
  syncs: ['kubesim_proxy_sync_proxy_rules_total', 'counter', 'Syncs of the proxy table with the Services and EndpointSlices.'],
  lastSync: ['kubesim_proxy_sync_proxy_rules_last_timestamp_seconds', 'gauge', 'When the proxy table was last synced (Unix seconds).'],
  listenErrors: ['kubesim_proxy_listen_errors_total', 'counter', 'Frontends that could not open their port.'],
} as const satisfies Record<string, readonly [string, 'counter' | 'gauge', string]>;

export type MetricName = keyof typeof METRICS;

function seriesKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export class ProxyMetrics {
  readonly #families = new Map<MetricName, Family>();

  constructor() {
    for (const [id, [, type, help]] of Object.entries(METRICS)) this.#families.set(id as MetricName, { help, type, series: new Map() });
  }

  inc(name: MetricName, labels: Labels = {}, by = 1): void {
    const s = this.#series(name, labels);
    s.value += by;
  }

  set(name: MetricName, labels: Labels, value: number): void {
    this.#series(name, labels).value = value;
  }

  get(name: MetricName, labels: Labels = {}): number {
    return this.#families.get(name)!.series.get(seriesKey(labels))?.value ?? 0;
  }

  /** drop every series labelled with this service */
  dropService(namespace: string, service: string): void {
    for (const f of this.#families.values()) {
      for (const [k, s] of f.series) if (s.labels['namespace'] === namespace && s.labels['service'] === service) f.series.delete(k);
    }
  }

  render(): string {
    const lines: string[] = [];
    for (const [id, f] of this.#families) {
      const name = METRICS[id][0];
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const s of f.series.values()) {
        const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeValue(v)}"`);
        lines.push(`${name}${labels.length ? `{${labels.join(',')}}` : ''} ${s.value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  #series(name: MetricName, labels: Labels): { labels: Labels; value: number } {
    const f = this.#families.get(name)!;
    const key = seriesKey(labels);
    let s = f.series.get(key);
    if (!s) f.series.set(key, (s = { labels: { ...labels }, value: 0 }));
    return s;
  }
}
