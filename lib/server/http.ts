import "server-only";
import { NextResponse } from "next/server";
import { ZodError } from "zod";
import { AppError, ERROR_CODES } from "@/lib/domain/errors";

/** The one error shape of the API: `{ error: { code, message, details? } }`. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorResponse(error: unknown): NextResponse<ApiErrorBody> {
  if (error instanceof AppError) {
    return NextResponse.json(
      { error: { code: error.code, message: error.message, details: error.details } },
      { status: ERROR_CODES[error.code] },
    );
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    return NextResponse.json(
      { error: { code: "bad_request", message: `Invalid request: ${message}`, details: { issues } } },
      { status: 400 },
    );
  }
  // Anything else is a bug or an outage: log it server-side, tell the client nothing internal.
  console.error("Unhandled error in route handler:", error);
  return NextResponse.json(
    { error: { code: "internal", message: "Internal server error. The server log has the details." } },
    { status: 500 },
  );
}

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/** Wraps a route handler so every failure becomes the one error shape with the right status. */
export function route<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
