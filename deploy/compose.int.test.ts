// docker-compose.yml is validated offline with docker-compose v1 (there is no Docker engine on
// the test machines): syntax, interpolation and references must all be right.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

describe("docker-compose.yml", () => {
  it("is a valid compose file", () => {
    const found = spawnSync("sh", ["-c", "command -v docker-compose"]).status === 0;
    expect(found, "docker-compose is not installed: apt-get install docker-compose").toBe(true);
    expect(() => execFileSync("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], { stdio: "pipe" })).not.toThrow();
  });

  it("runs the app with PostgreSQL and Prometheus, the app waiting for a healthy database", () => {
    const compose = parse(readFileSync("docker-compose.yml", "utf8"));
    expect(Object.keys(compose.services).sort()).toEqual(["app", "postgres", "prometheus"]);
    expect(compose.services.app.environment.DATABASE_URL).toMatch(/^postgresql:\/\/[^@]+@postgres:5432\//);
    expect(compose.services.app.depends_on.postgres.condition).toBe("service_healthy");
  });
});
