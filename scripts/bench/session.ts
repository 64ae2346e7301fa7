/** A viewer's session for the bench's browsers and HTTP clients: the server refuses anyone else. */
import { createSession, SESSION_COOKIE, upsertUser } from "@/lib/server/auth/sessions";

export async function benchViewerSession(): Promise<{ name: string; value: string; header: string }> {
  const user = await upsertUser({ provider: "local", subject: "bench-viewer", name: "bench viewer", role: "viewer" });
  const { token } = await createSession(user.id);
  return { name: SESSION_COOKIE, value: token, header: `${SESSION_COOKIE}=${token}` };
}
