import { describe, expect, it } from "vitest";
import { formatPath } from "./validate";
import { formatSize, utf8ByteLength } from "./size";

describe("formatPath", () => {
  it("writes field paths the way kubectl explain does, quoting keys that are not identifiers", () => {
    expect(formatPath(["spec", "containers", 0, "ports", 1, "containerPort"])).toBe("spec.containers[0].ports[1].containerPort");
    expect(formatPath(["metadata", "labels", "app.kubernetes.io/name"])).toBe('metadata.labels["app.kubernetes.io/name"]');
    expect(formatPath(["metadata", "labels", "istio-injection"])).toBe("metadata.labels.istio-injection");
    expect(formatPath([])).toBe("");
  });
});

describe("sizes", () => {
  it("counts UTF-8 bytes", () => {
    expect(utf8ByteLength("abc")).toBe(3);
    expect(utf8ByteLength("é")).toBe(2);
    expect(utf8ByteLength("€")).toBe(3);
    expect(utf8ByteLength("😀")).toBe(4);
    expect(utf8ByteLength("a😀é€")).toBe(new TextEncoder().encode("a😀é€").length);
  });

  it("formats sizes for people", () => {
    expect(formatSize(900)).toBe("900 bytes");
    expect(formatSize(2048)).toBe("2.0 KiB");
    expect(formatSize(64 * 1024 * 1024)).toBe("64.0 MiB");
  });
});
