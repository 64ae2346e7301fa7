"use client";

import { useMutation } from "@tanstack/react-query";

/** The file name from `Content-Disposition: attachment; filename="..."`, or a plain default. */
const filenameOf = (response: Response) => /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "meshlens-report.pdf";

async function downloadReport(id: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`/api/snapshots/${encodeURIComponent(id)}/report.pdf`);
  } catch {
    throw new Error("Could not reach the Meshlens server. Check that it is running and try again.");
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `The server answered HTTP ${response.status}.`);
  }
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filenameOf(response);
  a.click();
  URL.revokeObjectURL(url);
}

/** Renders the PDF audit report on the server (seconds) and saves it; says why when it cannot. */
export function DownloadReportButton({ id }: { id: string }) {
  const download = useMutation({ mutationFn: () => downloadReport(id) });
  return (
    <div className="header-actions">
      <button type="button" className="button" onClick={() => download.mutate()} disabled={download.isPending} aria-busy={download.isPending}>
        {download.isPending ? "Rendering PDF…" : "Download PDF report"}
      </button>
      <a className="hint" href={`/snapshots/${encodeURIComponent(id)}/print`} target="_blank" rel="noopener">
        Print view
      </a>
      {download.error && (
        <p role="alert" className="alert alert-error">
          {download.error.message}
        </p>
      )}
    </div>
  );
}
