import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/server/db/client";
import { connectTestDatabase } from "@/lib/server/testing/database";
import { GET } from "./route";

connectTestDatabase();
afterAll(disconnectDb);

describe("GET /api/health", () => {
  it("reports the database as reachable", async () => {
    const response = await GET(new Request("http://127.0.0.1/api/health"), {} as never);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });
});
