"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { plural } from "@/components/format";
import { apiFetch, snapshotsQuery, type CaptureStarted, type UploadResponse } from "@/components/queries";
import { CaptureProgress } from "./capture-progress";
import { PrometheusFields } from "./cluster-capture-form";

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/**
 * Uploads manifest files as a new snapshot and opens it. On failure the form keeps what was
 * entered and shows the API's message, which names the file, document and line.
 */
export function UploadForm({ maxUploadBytes, defaultPrometheus = null }: { maxUploadBytes: number; defaultPrometheus?: string | null }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [tooLarge, setTooLarge] = useState<string | null>(null);
  const ids = useId();
  const upload = useMutation({
    mutationFn: (form: FormData) => apiFetch<UploadResponse>("/api/snapshots", { method: "POST", body: form }),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: snapshotsQuery().queryKey });
      router.push(result.url);
    },
  });
  // With a Prometheus URL the files go through a capture job, which also queries telemetry.
  const capture = useMutation({
    mutationFn: (form: FormData) => apiFetch<CaptureStarted>("/api/captures", { method: "POST", body: form }),
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // Checked here too so a big upload fails at once instead of after sending it all; the
    // server enforces the same limit whatever the browser does.
    const bytes = form.getAll("files").reduce((n, f) => n + (f instanceof File ? f.size : 0), 0);
    if (bytes > maxUploadBytes) {
      upload.reset();
      setTooLarge(`The files are ${mib(bytes)} MiB together; the limit is ${mib(maxUploadBytes)} MiB (MESHLENS_MAX_UPLOAD_MB).`);
      return;
    }
    setTooLarge(null);
    if (String(form.get("prometheus") ?? "").trim()) capture.mutate(form);
    else {
      form.delete("prometheus");
      form.delete("window");
      upload.mutate(form);
    }
  };

  const error = tooLarge ?? upload.error?.message ?? capture.error?.message;
  const busy = upload.isPending || upload.isSuccess || capture.isPending || capture.data?.job.state === "running";
  return (
    <form className="upload-form" onSubmit={onSubmit} aria-describedby={error ? `${ids}-error` : undefined}>
      <div className="field">
        <label htmlFor={`${ids}-name`}>Snapshot name</label>
        <input id={`${ids}-name`} name="name" type="text" required maxLength={200} placeholder="e.g. prod before the 1.24 upgrade" />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-cluster`}>
          Cluster name <span className="hint">(optional)</span>
        </label>
        <input id={`${ids}-cluster`} name="cluster" type="text" maxLength={200} placeholder="e.g. prod-eu-1" />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-files`}>Manifest files</label>
        <input
          id={`${ids}-files`}
          name="files"
          type="file"
          multiple
          required
          accept=".yaml,.yml,.json"
          aria-describedby={`${ids}-files-hint`}
        />
      </div>
      <PrometheusFields defaultPrometheus={defaultPrometheus} />
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {upload.isPending || capture.isPending ? "Uploading…" : upload.isSuccess ? "Opening…" : "Upload"}
        </button>
      </div>
      <p id={`${ids}-files-hint`} className="hint form-message">
        Kubernetes and Istio manifests as YAML or JSON, several documents per file allowed; up to{" "}
        {mib(maxUploadBytes)} MiB in total.
      </p>
      {error && (
        <p id={`${ids}-error`} role="alert" className="alert alert-error form-message">
          {error}
        </p>
      )}
      {upload.data && <UploadedNote result={upload.data} />}
      {capture.data && <CaptureProgress key={capture.data.job.id} jobId={capture.data.job.id} />}
    </form>
  );
}

function UploadedNote({ result }: { result: UploadResponse }) {
  const { warnings } = result;
  return (
    <div role="status" className={`alert form-message ${warnings.length ? "alert-warning" : "alert-success"}`}>
      Uploaded “{result.snapshot.name}”
      {warnings.length ? ` with ${plural(warnings.length, "warning")}:` : "."} Opening it…
      {warnings.length > 0 && (
        <ul>
          {warnings.slice(0, 10).map((w, i) => (
            <li key={i}>
              {w.file}, document {w.document}: {w.message}
            </li>
          ))}
          {warnings.length > 10 && <li>and {formatMore(warnings.length - 10)}</li>}
        </ul>
      )}
    </div>
  );
}

const formatMore = (n: number) => `${plural(n, "more warning")} (listed on the snapshot page)`;
