/** Observed traffic for generated benchmark clusters: one hour, 600 HTTP requests per edge. */
import type { TrafficEdge, Workload } from "@/lib/domain/model";

/** An edge between two workloads; `mtlsShare` null means only the source's proxy reported it. */
export function generatedEdge(source: Pick<Workload, "id">, destination: Pick<Workload, "id" | "name" | "namespace">, mtlsShare: number | null): TrafficEdge {
  return {
    source: { kind: "workload", id: source.id },
    destination: { kind: "workload", id: destination.id },
    service: `${destination.name}.${destination.namespace}.svc.cluster.local`,
    protocols: ["http"],
    requests: 600,
    requestRate: 600 / 3600,
    responses: { "2xx": 600 },
    requestBytes: 0,
    responseBytes: 0,
    connections: 0,
    mtlsShare,
    reportedBy: mtlsShare === null ? "source" : "destination",
  };
}
