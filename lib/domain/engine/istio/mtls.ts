/**
 * Istio mTLS in the policy engine: the server-side mode of every workload port
 * (PeerAuthentication), the client-side TLS towards a service port (DestinationRule, auto mTLS),
 * and whether a connection between them is encrypted.
 */
export { resolvePeerAuthentication, type ModeDecision, type MtlsMode, type WorkloadMtls } from "./peer-authentication";
export { destinationRuleIssues, resolveClientTls, type ClientTlsDecision, type ClientTlsMode } from "./destination-rule";
export { edgeEncryption, type EdgeTls, type Encryption } from "./mtls-edge";
