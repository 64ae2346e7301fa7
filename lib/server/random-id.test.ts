import { describe, expect, it } from "vitest";
import { randomId } from "./random-id";

describe("randomId", () => {
  it("is base64url of the given length and never starts with a dash", () => {
    // Without the redraw about 1 in 64 ids starts with "-": 20,000 draws would show ~300.
    const ids = Array.from({ length: 20_000 }, () => randomId(16));
    expect(ids.filter((id) => id.startsWith("-"))).toEqual([]);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(randomId(12)).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{15}$/);
  });
});
