// The demo's recorded telemetry has the shape real Prometheus gives: its counters, backfilled
// into a real Prometheus and queried by Meshlens, return exactly the recorded series.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TelemetrySample, TelemetrySeries } from "@/lib/domain/telemetry/edges";
import { queryTelemetry } from "@/lib/server/capture/prometheus";
import { istioOpenMetrics, startPrometheus, type RunningPrometheus } from "@/lib/server/testing/prometheus";
import { DEMO_TELEMETRY_WINDOW, demoCounters, demoTelemetrySeries } from "./telemetry";

let prometheus: RunningPrometheus;
beforeAll(async () => {
  prometheus = await startPrometheus({ openMetrics: istioOpenMetrics(demoCounters()) });
}, 60_000);
afterAll(() => prometheus?.stop());

const sorted = (samples: TelemetrySample[]) => samples.map((s) => JSON.stringify([Object.entries(s.metric).sort(), s.value])).sort();

describe("the demo's recorded telemetry", () => {
  it("is what Prometheus answers for the recorded counters", async () => {
    const queried = await queryTelemetry({ url: prometheus.url, window: DEMO_TELEMETRY_WINDOW });
    const recorded = demoTelemetrySeries();
    for (const field of Object.keys(recorded) as (keyof TelemetrySeries)[]) {
      const nonZero = queried[field].filter((s) => s.value !== 0);
      expect(sorted(nonZero), field).toEqual(sorted(recorded[field]));
    }
    // The hour holds what the README's call graph says, e.g. the loadgenerator's 36,000 requests
    // reported by both proxies: 35,640 answered 200 and 360 answered 500, per reporter.
    const load = recorded.requests.filter((s) => s.metric.source_workload === "loadgenerator" && s.metric.reporter === "destination");
    expect(load.map((s) => [s.metric.response_code, s.value]).sort()).toEqual([["200", 35_640], ["500", 360]]);
  });
});
