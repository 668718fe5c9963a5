// /metrics in Prometheus text format (prom-client), named after the apiserver's own:
// apiserver_request_total{verb,resource,code}, apiserver_request_duration_seconds,
// apiserver_current_inflight_requests{request_kind}, apiserver_longrunning_requests
// (open watches), kubesim_store_revision and apiserver_storage_objects{resource}.
// The in-flight gauge is sampled when scraped (sampleInflight). Each app has its own
// registry, so several servers can live in one test process.
import { Counter, Gauge, Histogram, Registry as PromRegistry } from 'prom-client';

export class ApiMetrics {
  readonly registry = new PromRegistry();
  readonly requests: Counter<'verb' | 'resource' | 'code'>;
  readonly latency: Histogram<'verb' | 'resource'>;
  readonly inflight: Gauge<'request_kind'>;
  readonly watches: Gauge<'resource'>;
  readonly revision: Gauge;
  readonly objects: Gauge<'resource'>;

  private inflightSample: (() => Array<[string, number]>) | undefined;

  /** the in-flight gauge read from the server's own counters at scrape time (instead of an
   *  inc and a dec per request): each kind seen so far with its current count */
  sampleInflight(sample: () => Array<[string, number]>): void {
    this.inflightSample = sample;
  }

  constructor(sample: { revision: () => number; objects: () => Array<[string, number]> }) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'apiserver_request_total', help: 'Requests by verb, resource and HTTP code', labelNames: ['verb', 'resource', 'code'], registers });
    this.latency = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Request latency by verb and resource (watches excluded)',
      labelNames: ['verb', 'resource'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    const metrics = this;
    this.inflight = new Gauge({
      name: 'apiserver_current_inflight_requests',
      help: 'Requests being served, by readOnly/mutating',
      labelNames: ['request_kind'],
      registers,
      collect() {
        if (!metrics.inflightSample) return;
        for (const [kind, n] of metrics.inflightSample()) this.set({ request_kind: kind }, n);
      },
    });
    this.watches = new Gauge({ name: 'apiserver_longrunning_requests', help: 'Open watches by resource', labelNames: ['resource'], registers });
    this.revision = new Gauge({
      name: 'kubesim_store_revision',
      help: 'The store revision',
      registers,
      collect() {
        this.set(sample.revision());
      },
    });
    this.objects = new Gauge({
      name: 'apiserver_storage_objects',
      help: 'Stored objects by resource',
      labelNames: ['resource'],
      registers,
      collect() {
        this.reset();
        for (const [r, n] of sample.objects()) this.set({ resource: r }, n);
      },
    });
  }
}
