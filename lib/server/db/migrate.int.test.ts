import { describe, expect, inject, it } from "vitest";
import { pendingMigrations, redactUrl } from "./migrate";

describe("migrations", () => {
  it("are all applied to the test database by the same code path the app uses", async () => {
    expect(await pendingMigrations(inject("databaseUrl"))).toEqual([]);
  });

  it("never print a password", () => {
    expect(redactUrl("P1001: Can't reach postgresql://meshlens:s3cr3t@db:5432/meshlens")).toBe(
      "P1001: Can't reach postgresql://meshlens:***@db:5432/meshlens",
    );
  });
});
