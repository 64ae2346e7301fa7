/** Runs once when the Next.js server starts: the capture schedule, if configured. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startCaptureSchedule } = await import("@/lib/server/capture/schedule");
  startCaptureSchedule();
}
