import { describe, expect, it } from "vitest";
import { hasRole, roleFromGroups } from "./roles";

describe("roles", () => {
  it("orders viewer < editor < admin", () => {
    expect(hasRole("admin", "editor")).toBe(true);
    expect(hasRole("editor", "editor")).toBe(true);
    expect(hasRole("viewer", "editor")).toBe(false);
  });

  it("maps OIDC groups to the highest mapped role, else the default", () => {
    const map = "meshlens-admins=admin, sre=editor";
    expect(roleFromGroups(["sre", "meshlens-admins"], map, "viewer")).toBe("admin");
    expect(roleFromGroups(["sre"], map, "viewer")).toBe("editor");
    expect(roleFromGroups(["marketing"], map, "viewer")).toBe("viewer");
    expect(roleFromGroups([], map, "none")).toBeNull();
    // A group name containing "=" keeps everything before the last one.
    expect(roleFromGroups(["a=b"], "a=b=editor", "none")).toBe("editor");
    expect(() => roleFromGroups([], "sre=root", "viewer")).toThrow(/sre=root/);
  });
});
