/**
 * Preloaded into the indexer CLI (`node --import ./bench/mem-probe.ts ...`) when the bench runs
 * it: samples process.memoryUsage() every 50 ms and, on exit, writes the sample with the highest
 * RSS - so the peak can be split into V8 heap, ArrayBuffers (upload batches) and the rest - to
 * the file named by BENCH_MEM_PROBE. It changes nothing in the indexer; its own cost is one timer.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MEM_PROBE;
if (file) {
  let peak = process.memoryUsage();
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss > peak.rss) peak = m;
  };
  setInterval(sample, 50).unref();
  process.on('exit', () => {
    sample();
    const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
    writeFileSync(
      file,
      JSON.stringify({
        rssMb: mb(peak.rss),
        heapTotalMb: mb(peak.heapTotal),
        heapUsedMb: mb(peak.heapUsed),
        externalMb: mb(peak.external),
        arrayBuffersMb: mb(peak.arrayBuffers),
        maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
      }),
    );
  });
}
