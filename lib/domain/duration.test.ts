import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration";

describe("durations", () => {
  it("reads Prometheus-style durations", () => {
    expect(parseDuration("90s")).toBe(90);
    expect(parseDuration("15m")).toBe(900);
    expect(parseDuration("1h")).toBe(3600);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("7d")).toBe(604_800);
    expect(parseDuration(" 2w ")).toBe(1_209_600);
  });

  it("refuses what is not one, naming the option", () => {
    expect(() => parseDuration("1 hour", "--window")).toThrow('--window: "1 hour" is not a duration');
    expect(() => parseDuration("", "--window")).toThrow("is not a duration");
    expect(() => parseDuration("0m")).toThrow("is not a duration");
    expect(() => parseDuration("5")).toThrow("is not a duration");
    expect(() => parseDuration("1h-5m")).toThrow("is not a duration");
  });

  it("writes the shortest form", () => {
    expect(formatDuration(3600)).toBe("1h");
    expect(formatDuration(5400)).toBe("1h30m");
    expect(formatDuration(90)).toBe("1m30s");
    expect(formatDuration(0)).toBe("0s");
  });
});
