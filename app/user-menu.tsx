import Link from "next/link";
import { currentPrincipal } from "@/lib/server/auth/principal";

/** The header's right side: who is signed in and with which role, and how to leave. */
export async function UserMenu() {
  const principal = await currentPrincipal();
  if (!principal) return null;
  if (principal.kind === "share") {
    return <p className="user-menu">Shared link: read-only view of one snapshot</p>;
  }
  if (principal.kind === "demo") {
    return (
      <p className="user-menu">
        Demo: you are signed in as a viewer.{" "}
        <Link href="/login" className="user-menu-link">
          Sign in
        </Link>
      </p>
    );
  }
  return (
    <div className="user-menu">
      <span>
        Signed in as <strong>{principal.name}</strong> ({principal.role})
      </span>
      {principal.role === "admin" && (
        <Link href="/admin" className="user-menu-link">
          Admin
        </Link>
      )}
      <form method="post" action="/api/auth/logout">
        <button type="submit" className="user-menu-button">
          Sign out
        </button>
      </form>
    </div>
  );
}
