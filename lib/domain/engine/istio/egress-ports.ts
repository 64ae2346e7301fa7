/**
 * Port numbers and protocol names of ServiceEntry ports
 * (https://istio.io/latest/docs/reference/config/networking/service-entry/#ServicePort) and of
 * Sidecar egress listener ports (https://istio.io/latest/docs/reference/config/networking/sidecar/#SidecarPort),
 * checked as Istio's validation does (ValidatePort, ValidateProtocol).
 */
import { describeValue, Invalid } from "./mtls-verbatim";

/**
 * Protocol names istiod parses (protocol.Parse, case-insensitive). Anything else is refused; an
 * absent or empty protocol is accepted: Istio then sniffs the protocol of each connection.
 */
const PROTOCOLS: ReadonlySet<string> = new Set(["tcp", "udp", "grpc", "grpc-web", "http", "http_proxy", "http2", "https", "tls", "mongo", "redis", "mysql"]);

/** A port number 1-65535; throws Invalid naming `field` otherwise. */
export function readPortNumber(raw: unknown, field: string): number {
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 1 || raw > 65535) {
    throw new Invalid(field, `must be a port number 1-65535, found ${describeValue(raw)}`);
  }
  return raw;
}

/** The protocol as declared (`""` when absent: sniffed); throws Invalid for a name Istio does not know. */
export function readProtocol(raw: unknown, field: string): string {
  if (raw === undefined || raw === null || raw === "") return "";
  if (typeof raw !== "string" || !PROTOCOLS.has(raw.toLowerCase())) {
    throw new Invalid(field, `unknown protocol ${describeValue(raw)} (expected HTTP, HTTPS, HTTP2, GRPC, GRPC-Web, TLS, TCP, UDP, Mongo, Redis or MySQL)`);
  }
  return raw;
}

/** An optional port name: absent or a string. */
export function readPortName(raw: unknown, field: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string") throw new Invalid(field, `must be a string, found ${describeValue(raw)}`);
  return raw;
}
