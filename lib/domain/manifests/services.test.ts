import { describe, expect, it } from "vitest";
import { catchAppError, readYaml } from "./test-helpers";

const service = (spec: string) => `apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec: ${spec}\n`;

describe("services", () => {
  it("defaults type to ClusterIP, protocol to TCP and targetPort to the port", () => {
    const [svc] = readYaml(service("{ selector: { app: web }, ports: [{ port: 80 }, { port: 53, protocol: UDP }] }")).services;
    expect(svc).toEqual({
      id: "shop/web[Service]",
      namespace: "shop",
      name: "web",
      type: "ClusterIP",
      selector: { app: "web" },
      ports: [
        { port: 80, targetPort: 80, protocol: "TCP" },
        { port: 53, targetPort: 53, protocol: "UDP" },
      ],
    });
  });

  it("treats an absent or empty selector as no selector (no automatic endpoints), not as 'all pods'", () => {
    expect(readYaml(service("{ ports: [{ port: 80 }] }")).services[0]!.selector).toBeNull();
    expect(readYaml(service("{ selector: {}, ports: [{ port: 80 }] }")).services[0]!.selector).toBeNull();
    expect(readYaml(service("{ selector: }")).services[0]).toMatchObject({ selector: null, ports: [] });
  });

  it("reads ExternalName services, whose selector Kubernetes ignores", () => {
    const [svc] = readYaml(service("{ type: ExternalName, externalName: db.example.com, selector: { app: x } }")).services;
    expect(svc).toMatchObject({ type: "ExternalName", externalName: "db.example.com", selector: null });
  });

  it("refuses an ExternalName service without externalName, bad types and bad ports", () => {
    expect(catchAppError(() => readYaml(service("{ type: ExternalName }"))).message).toBe(
      "test.yaml, document 1 (Service shop/web): spec.externalName: missing (required for type ExternalName)",
    );
    expect(catchAppError(() => readYaml(service("{ type: Headless }"))).message).toBe(
      'test.yaml, document 1 (Service shop/web): spec.type: expected "ClusterIP", "NodePort", "LoadBalancer" or "ExternalName"',
    );
    expect(catchAppError(() => readYaml(service("{ ports: [{ port: 80, targetPort: 0 }] }"))).message).toBe(
      "test.yaml, document 1 (Service shop/web): spec.ports[0].targetPort: expected a number 1-65535",
    );
    expect(catchAppError(() => readYaml(service("{ ports: [{ port: 80, targetPort: true }] }"))).message).toBe(
      "test.yaml, document 1 (Service shop/web): spec.ports[0].targetPort: expected a port number 1-65535 or a port name",
    );
    expect(catchAppError(() => readYaml(service("{ ports: [{ port: 80, protocol: tcp }] }"))).message).toBe(
      'test.yaml, document 1 (Service shop/web): spec.ports[0].protocol: expected "TCP", "UDP" or "SCTP"',
    );
  });
});
