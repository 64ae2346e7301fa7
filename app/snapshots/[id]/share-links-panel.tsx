"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { formatUtc } from "@/components/format";
import { apiFetch, shareLinksQuery, type ShareLinkCreated, type ShareLinkInfo } from "@/components/queries";
import { shareLinkState } from "@/lib/domain/auth/records";
import { OneTimeSecret } from "@/components/one-time-secret";

/** The graph state of the page's current URL (what a link with "current view" reopens). */
const currentView = () =>
  [...new URLSearchParams(window.location.search)].filter(([name]) => name.startsWith("g_")).map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join("&");

/**
 * The snapshot's share links: who made each, when it expires, its last use; editors create
 * (the URL is shown once) and revoke. Viewers see the list only (the API refuses them anyway).
 */
export function ShareLinksPanel({ id, canEdit }: { id: string; canEdit: boolean }) {
  const links = useQuery(shareLinksQuery(id));
  return (
    <section className="panel" aria-labelledby="share-links-heading">
      <h2 id="share-links-heading">Share links</h2>
      <p className="hint">Read-only links to this snapshot for people without an account. Anyone with a link can read it until it expires or is revoked.</p>
      {canEdit && <CreateShareLink id={id} />}
      {links.error && (
        <p role="alert" className="alert alert-error">
          Could not load the share links: {links.error.message}
        </p>
      )}
      {links.data && <ShareLinksTable id={id} links={links.data.items} canEdit={canEdit} />}
    </section>
  );
}

function CreateShareLink({ id }: { id: string }) {
  const ids = useId();
  const queryClient = useQueryClient();
  const [days, setDays] = useState("7");
  const [withView, setWithView] = useState(true);
  const create = useMutation({
    mutationFn: () =>
      apiFetch<ShareLinkCreated>(`/api/snapshots/${encodeURIComponent(id)}/links`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ expiresInDays: Number(days), view: withView ? currentView() : "" }),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: shareLinksQuery(id).queryKey }),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form className="share-form" onSubmit={onSubmit}>
      <div className="field">
        <label htmlFor={`${ids}-days`}>Expires in (days)</label>
        <input id={`${ids}-days`} type="number" min={1} step={1} value={days} onChange={(e) => setDays(e.target.value)} required />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={withView} onChange={(e) => setWithView(e.target.checked)} /> Open the current graph view
      </label>
      <button type="submit" className="button button-primary" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create share link"}
      </button>
      {create.error && (
        <p role="alert" className="alert alert-error">
          {create.error.message}
        </p>
      )}
      {create.data && (
        <OneTimeSecret id={`${ids}-url`} label="New share link" value={create.data.url} />
      )}
    </form>
  );
}

function ShareLinksTable({ id, links, canEdit }: { id: string; links: ShareLinkInfo[]; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (linkId: string) => apiFetch<void>(`/api/snapshots/${encodeURIComponent(id)}/links/${encodeURIComponent(linkId)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: shareLinksQuery(id).queryKey }),
  });
  if (links.length === 0) return <p className="hint">No share links yet.</p>;
  const now = new Date();
  return (
    <div className="table-scroll">
      <table aria-label="Share links">
        <thead>
          <tr>
            <th scope="col">Created by</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last use</th>
            <th scope="col">Uses</th>
            <th scope="col">State</th>
            {canEdit && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {links.map((link) => {
            const state = shareLinkState(link, now);
            return (
              <tr key={link.id}>
                <td>{link.createdBy}</td>
                <td>{formatUtc(link.createdAt)}</td>
                <td>{formatUtc(link.expiresAt)}</td>
                <td>{link.lastUsedAt ? formatUtc(link.lastUsedAt) : "never"}</td>
                <td>{link.useCount}</td>
                <td>{state}</td>
                {canEdit && (
                  <td>
                    {state === "active" && (
                      <button type="button" className="button button-danger" onClick={() => revoke.mutate(link.id)} disabled={revoke.isPending}>
                        Revoke
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {revoke.error && (
        <p role="alert" className="alert alert-error">
          {revoke.error.message}
        </p>
      )}
    </div>
  );
}
