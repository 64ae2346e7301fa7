/**
 * Whether one connection (client workload -> server workload port) is encrypted, from what the
 * client's sidecar sends (DestinationRule, auto mTLS) and what the server's sidecar accepts
 * (PeerAuthentication).
 *
 * What the client sends:
 * - no sidecar, or outside the mesh: plaintext;
 * - AUTO (https://istio.io/latest/docs/concepts/security/#auto-mutual-tls): Istio mTLS when the
 *   destination has a sidecar and its PeerAuthentication mode on the port is not DISABLE,
 *   else plaintext;
 * - ISTIO_MUTUAL: Istio mTLS; DISABLE: plaintext;
 * - SIMPLE / MUTUAL: TLS the sidecar originates with the application's certificates
 *   (https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings),
 *   not Istio mTLS, so a sidecar that insists on mTLS cannot accept it.
 * What the server accepts (https://istio.io/latest/docs/reference/config/security/peer_authentication/#PeerAuthentication-MutualTLS-Mode):
 * STRICT only mTLS; PERMISSIVE both; DISABLE plaintext only; no sidecar: whatever the
 * application speaks, never Istio mTLS (nothing there holds the mesh certificates).
 *
 * | client sends \ server     | no sidecar | STRICT  | PERMISSIVE | DISABLE   |
 * | ------------------------- | ---------- | ------- | ---------- | --------- |
 * | no sidecar / outside mesh | plaintext  | refused | plaintext  | plaintext |
 * | AUTO                      | plaintext  | mtls    | mtls       | plaintext |
 * | ISTIO_MUTUAL              | refused    | mtls    | mtls       | refused   |
 * | DISABLE                   | plaintext  | refused | plaintext  | plaintext |
 * | SIMPLE / MUTUAL           | tls        | refused | tls        | tls       |
 *
 * SIMPLE/MUTUAL to a PERMISSIVE or DISABLE sidecar: the sidecar passes TLS that is not Istio's
 * through to the application, which terminates it ("tls"); on an HTTP port the sidecar would
 * try to parse it as HTTP, which is not modelled. Nor is istiod's cluster-level shortcut for
 * AUTO: when the service's namespace-wide mode is DISABLE it configures no TLS at all, even
 * towards a workload whose own policy is STRICT.
 */
import type { Workload } from "../../model";
import type { ClientTlsDecision } from "./destination-rule";
import type { ModeDecision, WorkloadMtls } from "./peer-authentication";

export type Encryption =
  | "mtls"
  | "plaintext"
  /** SIMPLE/MUTUAL: app-level TLS origination, not mesh mTLS */
  | "tls"
  /** the server will not accept what the client sends */
  | "refused";

export interface EdgeTls {
  encryption: Encryption;
  /** One sentence naming the objects that decided. */
  reason: string;
  /** As given, also for a client without a sidecar (to which it does not apply). */
  clientTls: ClientTlsDecision;
  /** The server's mode on the target port (DISABLE, set by nothing, without a sidecar). */
  serverMode: ModeDecision;
}

type Sends = "plaintext" | "mtls" | "tls";
type Accepts = "no sidecar" | ModeDecision["mode"];

/** What the server does with what the client sends: the table above, column by column. */
const OUTCOME: Record<Accepts, Record<Sends, Encryption>> = {
  "no sidecar": { plaintext: "plaintext", mtls: "refused", tls: "tls" },
  STRICT: { plaintext: "refused", mtls: "mtls", tls: "refused" },
  PERMISSIVE: { plaintext: "plaintext", mtls: "mtls", tls: "tls" },
  DISABLE: { plaintext: "plaintext", mtls: "refused", tls: "tls" },
};

/** Whether the connection from `source` to `destination:targetPort` is encrypted, and why. */
export function edgeEncryption(input: {
  /** null = outside the mesh / unknown */
  source: Workload | null;
  destination: Workload;
  serverMtls: WorkloadMtls;
  targetPort: number;
  clientTls: ClientTlsDecision;
}): EdgeTls {
  const { source, destination, serverMtls, targetPort, clientTls } = input;
  const serverHasSidecar = destination.sidecar.injected && !serverMtls.noSidecar;
  const serverMode = serverMtls.modeForPort(targetPort);
  const accepts: Accepts = serverHasSidecar ? serverMode.mode : "no sidecar";
  const client = clientSends(source, clientTls, accepts);
  const encryption = OUTCOME[accepts][client.sends];
  const server = serverHasSidecar
    ? `port ${targetPort} is ${serverMode.mode} (${serverMode.setBy ?? "Istio's default: no PeerAuthentication sets it"})`
    : `${destination.id} has no sidecar`;
  const reason = `${client.why}; ${server}${encryption === "refused" ? ", so the connection is refused" : ""}`;
  return { encryption, reason, clientTls, serverMode };
}

function clientSends(source: Workload | null, tls: ClientTlsDecision, server: Accepts): { sends: Sends; why: string } {
  if (source === null) return { sends: "plaintext", why: "the source is outside the mesh (or unknown), so it sends plaintext" };
  if (!source.sidecar.injected) return { sends: "plaintext", why: `${source.id} has no sidecar, so it sends plaintext` };
  switch (tls.mode) {
    case "AUTO": {
      // Auto mTLS sends mTLS only to endpoints with a sidecar whose mode on the port is not DISABLE.
      const sends = server === "no sidecar" || server === "DISABLE" ? "plaintext" : "mtls";
      return { sends, why: `${autoCause(tls)}, so auto mTLS sends ${sends === "mtls" ? "mTLS" : "plaintext"}` };
    }
    case "ISTIO_MUTUAL":
      return { sends: "mtls", why: `${setsMode(tls)}: the client sends Istio mTLS` };
    case "DISABLE":
      return { sends: "plaintext", why: `${setsMode(tls)}: the client sends plaintext` };
    case "SIMPLE":
    case "MUTUAL":
      return { sends: "tls", why: `${setsMode(tls)}: the client originates TLS itself, not Istio mTLS` };
  }
}

/** Why auto mTLS decides: no rule, a rule without tls, or a port-level entry without tls. */
function autoCause(tls: ClientTlsDecision): string {
  if (tls.setBy === null) return "no DestinationRule applies";
  if (tls.field === undefined) return `${tls.setBy} sets no tls`;
  return `${tls.setBy} sets no tls in ${tls.field} (port-level settings do not inherit the top-level tls)`;
}

/** `ns/dr[DestinationRule] sets tls.mode X`, naming the port-level entry or the mode-less block. */
function setsMode(tls: ClientTlsDecision): string {
  const who = tls.setBy ?? "the client's DestinationRule";
  const field = tls.field ?? "spec.trafficPolicy.tls.mode";
  if (!field.endsWith(".mode")) return `${who} has a tls block without a mode (${field}), which Istio reads as ${tls.mode}`;
  if (field === "spec.trafficPolicy.tls.mode") return `${who} sets tls.mode ${tls.mode}`;
  return `${who} sets tls.mode ${tls.mode} for this port (${field})`;
}
