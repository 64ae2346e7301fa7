"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, type FormEvent } from "react";
import { apiFetch, type CaptureStarted } from "@/components/queries";
import { CaptureProgress } from "./capture-progress";

export const WINDOWS = ["15m", "1h", "6h", "24h", "7d"] as const;

/**
 * Captures the cluster the server is configured for (its kubeconfig or pod service account),
 * with Istio telemetry when a Prometheus URL is given, and follows the capture until its
 * snapshot opens.
 */
export function ClusterCaptureForm({ defaultPrometheus }: { defaultPrometheus: string | null }) {
  const ids = useId();
  const start = useMutation({
    mutationFn: (body: unknown) =>
      apiFetch<CaptureStarted>("/api/captures", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (key: string) => String(form.get(key) ?? "").trim();
    const namespaces = text("namespaces").split(/[\s,]+/).filter(Boolean);
    const prometheus = text("prometheus");
    start.mutate({
      name: text("name") || undefined,
      namespaces: namespaces.length ? namespaces : undefined,
      prometheus: prometheus ? { url: prometheus, window: text("window") } : false,
    });
  };

  const busy = start.isPending || start.data?.job.state === "running";
  return (
    <form className="upload-form" onSubmit={onSubmit}>
      <div className="field">
        <label htmlFor={`${ids}-name`}>
          Snapshot name <span className="hint">(optional)</span>
        </label>
        <input id={`${ids}-name`} name="name" type="text" maxLength={200} placeholder="default: the context and the time" />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-namespaces`}>
          Namespaces <span className="hint">(optional, default all)</span>
        </label>
        <input id={`${ids}-namespaces`} name="namespaces" type="text" placeholder="e.g. shop, payments" />
      </div>
      <PrometheusFields defaultPrometheus={defaultPrometheus} />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Capturing…" : "Capture the cluster"}
        </button>
      </div>
      {start.error && (
        <p role="alert" className="alert alert-error form-message">
          {start.error.message}
        </p>
      )}
      {start.data && <CaptureProgress key={start.data.job.id} jobId={start.data.job.id} />}
    </form>
  );
}

/** Prometheus URL and telemetry window, shared by both capture forms. */
export function PrometheusFields({ defaultPrometheus }: { defaultPrometheus: string | null }) {
  const ids = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={`${ids}-prometheus`}>
          Prometheus URL <span className="hint">(optional: Istio telemetry)</span>
        </label>
        <input id={`${ids}-prometheus`} name="prometheus" type="url" defaultValue={defaultPrometheus ?? ""} placeholder="e.g. http://prometheus.istio-system:9090" />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-window`}>Telemetry window</label>
        <select id={`${ids}-window`} name="window" defaultValue="1h">
          {WINDOWS.map((w) => (
            <option key={w} value={w}>
              last {w}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}
