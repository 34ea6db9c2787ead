/**
 * Prometheus metrics in text exposition format, without a client library: request counts and
 * latency histograms by route and status, and Meilisearch errors by kind.
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly meiliErrors = new Map<string, number>();

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${label(method)}",route="${label(route)}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hkey = `method="${label(method)}",route="${label(route)}"`;
    let h = this.latency.get(hkey);
    if (!h) this.latency.set(hkey, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.counts[i]!++;
    });
    h.sum += seconds;
    h.count++;
  }

  meiliError(kind: string): void {
    const key = `kind="${label(kind)}"`;
    this.meiliErrors.set(key, (this.meiliErrors.get(key) ?? 0) + 1);
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP oa_http_requests_total HTTP requests by method, route and status.');
    out.push('# TYPE oa_http_requests_total counter');
    for (const [k, v] of this.requests) out.push(`oa_http_requests_total{${k}} ${v}`);
    out.push('# HELP oa_http_request_duration_seconds HTTP request latency by method and route.');
    out.push('# TYPE oa_http_request_duration_seconds histogram');
    for (const [k, h] of this.latency) {
      BUCKETS.forEach((b, i) => out.push(`oa_http_request_duration_seconds_bucket{${k},le="${b}"} ${h.counts[i]}`));
      out.push(`oa_http_request_duration_seconds_bucket{${k},le="+Inf"} ${h.count}`);
      out.push(`oa_http_request_duration_seconds_sum{${k}} ${h.sum}`);
      out.push(`oa_http_request_duration_seconds_count{${k}} ${h.count}`);
    }
    out.push('# HELP oa_meilisearch_errors_total Failed calls to Meilisearch by kind.');
    out.push('# TYPE oa_meilisearch_errors_total counter');
    for (const [k, v] of this.meiliErrors) out.push(`oa_meilisearch_errors_total{${k}} ${v}`);
    return `${out.join('\n')}\n`;
  }
}
