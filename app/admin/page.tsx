import type { Metadata } from "next";
import { formatUtc } from "@/components/format";
import { listUsers } from "@/lib/server/auth/users";
import { ApiTokensPanel } from "./api-tokens-panel";

export const metadata: Metadata = { title: "Administration" };
export const dynamic = "force-dynamic";

/** Admins only (the proxy refuses everyone else): API tokens and who has signed in. */
export default async function AdminPage() {
  const users = await listUsers();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Administration</h1>
          <p>API tokens for CI pipelines and scheduled jobs, and the people who have signed in.</p>
        </div>
      </div>
      <ApiTokensPanel />
      <section className="panel" aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <p className="hint">OIDC users get their role from MESHLENS_OIDC_ROLE_MAP each time they sign in.</p>
        <div className="table-scroll">
          <table aria-label="Users">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Sign-in</th>
                <th scope="col">Role</th>
                <th scope="col">Last sign-in</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id}>
                  <td>{user.name}</td>
                  <td>{user.provider === "local" ? "bootstrap admin" : `OIDC (${user.subject})`}</td>
                  <td>{user.role}</td>
                  <td>{user.lastLoginAt ? formatUtc(user.lastLoginAt) : "never"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
