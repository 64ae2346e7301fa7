import { describe, expect, it } from "vitest";
import { catchAppError, readYaml } from "./test-helpers";

const meshConfigMap = (name: string, mesh?: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name}, namespace: istio-system }\n` +
  (mesh === undefined ? "" : `data:\n  mesh: |-\n${mesh.split("\n").map((l) => `    ${l}`).join("\n")}\n`);

describe("mesh config", () => {
  it("uses Istio's defaults when the input has no mesh config", () => {
    expect(readYaml("apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n").meshConfig).toEqual({
      source: null,
      rootNamespace: "istio-system",
      outboundTrafficPolicy: "ALLOW_ANY",
    });
  });

  it("reads rootNamespace and outboundTrafficPolicy.mode from the istio ConfigMap's mesh key", () => {
    const read = readYaml(
      meshConfigMap("istio", "rootNamespace: mesh-root\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\ndefaultConfig:\n  holdApplicationUntilProxyStarts: true"),
    );
    expect(read.meshConfig).toEqual({
      source: "istio-system/istio[ConfigMap]",
      rootNamespace: "mesh-root",
      outboundTrafficPolicy: "REGISTRY_ONLY",
    });
    expect(read.warnings).toEqual([]);
    expect(read.namespaces.map((n) => n.name)).toEqual(["istio-system"]);
  });

  it("keeps defaults for what the mesh key leaves out", () => {
    expect(readYaml(meshConfigMap("istio", "accessLogFile: /dev/stdout")).meshConfig).toEqual({
      source: "istio-system/istio[ConfigMap]",
      rootNamespace: "istio-system",
      outboundTrafficPolicy: "ALLOW_ANY",
    });
    expect(readYaml(meshConfigMap("istio")).meshConfig.source).toBe("istio-system/istio[ConfigMap]");
  });

  it("prefers the default revision's istio ConfigMap over a revisioned one, with a warning", () => {
    const read = readYaml(
      meshConfigMap("istio-canary", "outboundTrafficPolicy: { mode: ALLOW_ANY }"),
      meshConfigMap("istio", "outboundTrafficPolicy: { mode: REGISTRY_ONLY }"),
    );
    expect(read.meshConfig.outboundTrafficPolicy).toBe("REGISTRY_ONLY");
    expect(read.warnings).toEqual([
      {
        file: "test.yaml",
        document: 1,
        message: "ConfigMap istio-system/istio-canary skipped: the mesh config is taken from istio-system/istio[ConfigMap]",
      },
    ]);
  });

  it("reads a revisioned mesh config (istio-<rev>) when it is the only one", () => {
    const read = readYaml(meshConfigMap("istio-1-22", "outboundTrafficPolicy: { mode: REGISTRY_ONLY }"));
    expect(read.meshConfig).toMatchObject({ source: "istio-system/istio-1-22[ConfigMap]", outboundTrafficPolicy: "REGISTRY_ONLY" });
  });

  it("ignores an istio ConfigMap outside istio-system", () => {
    const read = readYaml("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: shop }\ndata: { mesh: 'rootNamespace: x' }\n");
    expect(read.meshConfig.source).toBeNull();
    expect(read.warnings).toHaveLength(1);
  });

  it("refuses a mesh key that is not valid, naming the field inside it", () => {
    expect(catchAppError(() => readYaml(meshConfigMap("istio", "outboundTrafficPolicy:\n  mode: allow_any"))).message).toBe(
      'test.yaml, document 1 (ConfigMap istio-system/istio): data.mesh: outboundTrafficPolicy.mode: expected "ALLOW_ANY" or "REGISTRY_ONLY"',
    );
    expect(catchAppError(() => readYaml(meshConfigMap("istio", "rootNamespace: [a"))).message).toMatch(
      /^test\.yaml, document 1 \(ConfigMap istio-system\/istio\): data\.mesh: not valid YAML: /,
    );
  });
});
