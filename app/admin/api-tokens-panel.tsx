"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { formatUtc } from "@/components/format";
import { apiFetch, apiTokensQuery, type ApiTokenInfo } from "@/components/queries";
import { ROLES, type Role } from "@/lib/domain/auth/roles";
import { OneTimeSecret } from "@/components/one-time-secret";

/** Creates (the secret is shown once), lists and revokes API tokens. */
export function ApiTokensPanel() {
  const ids = useId();
  const queryClient = useQueryClient();
  const tokens = useQuery(apiTokensQuery());
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const refresh = () => queryClient.invalidateQueries({ queryKey: apiTokensQuery().queryKey });
  const create = useMutation({
    mutationFn: () =>
      apiFetch<{ token: string; info: ApiTokenInfo }>("/api/admin/tokens", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name, role }),
      }),
    onSuccess: refresh,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => apiFetch<void>(`/api/admin/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: refresh,
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <section className="panel" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p className="hint">
        Send as <code>Authorization: Bearer TOKEN</code> to the snapshot and capture API. Only a hash is stored: the token is shown once.
      </p>
      <form className="share-form" onSubmit={onSubmit}>
        <div className="field">
          <label htmlFor={`${ids}-name`}>Token name</label>
          <input id={`${ids}-name`} type="text" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-role`}>Role</label>
          <select id={`${ids}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          Create token
        </button>
        {create.error && (
          <p role="alert" className="alert alert-error">
            {create.error.message}
          </p>
        )}
        {create.data && (
          <OneTimeSecret id={`${ids}-token`} label={`New token “${create.data.info.name}”`} value={create.data.token} />
        )}
      </form>
      {tokens.error && (
        <p role="alert" className="alert alert-error">
          Could not load the tokens: {tokens.error.message}
        </p>
      )}
      {tokens.data && tokens.data.items.length > 0 && (
        <div className="table-scroll">
          <table aria-label="API tokens">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.items.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{t.role}</td>
                  <td>
                    {formatUtc(t.createdAt)} by {t.createdBy}
                  </td>
                  <td>{t.lastUsedAt ? formatUtc(t.lastUsedAt) : "never"}</td>
                  <td>{t.revokedAt ? `revoked ${formatUtc(t.revokedAt)}` : "active"}</td>
                  <td>
                    {!t.revokedAt && (
                      <button type="button" className="button button-danger" onClick={() => revoke.mutate(t.id)} disabled={revoke.isPending}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
