import { z } from "zod";
import { isBootstrapAdmin } from "@/lib/server/auth/bootstrap-admin";
import { clientOf, seeOther } from "@/lib/server/auth/client";
import { clearFailedSignIns, recordFailedSignIn, signInRetryAfter } from "@/lib/server/auth/rate-limit";
import { safeNext, signInAndRedirect } from "@/lib/server/auth/sign-in";
import { route } from "@/lib/server/http";

export const dynamic = "force-dynamic";

const SignInForm = z.object({
  username: z.string().max(200).default(""),
  password: z.string().max(1000).default(""),
  next: z.string().max(2000).optional(),
});

/** Back to the form with a reason (no details that would help guessing). */
function again(error: string, next: string) {
  const query = new URLSearchParams({ error });
  if (next !== "/") query.set("next", next);
  return seeOther(`/login?${query}`);
}

/** The sign-in form of /login (the bootstrap admin): a session cookie, then back to `next`. */
export const POST = route(async (request) => {
  const form = SignInForm.parse(Object.fromEntries(await request.formData()));
  const next = safeNext(form.next);
  const { ip } = clientOf(request);
  if (signInRetryAfter(form.username, ip) > 0) return again("locked", next);
  if (!form.username || !(await isBootstrapAdmin(form.username, form.password))) {
    recordFailedSignIn(form.username, ip);
    return again("invalid", next);
  }
  clearFailedSignIns(form.username, ip);
  return signInAndRedirect(request, { provider: "local", subject: form.username, name: form.username, role: "admin" }, next);
});
