import type { FindingKind } from "../model";

/** What each kind of finding means, for the docs, the UI's filters and SARIF rules. */
export const KIND_DESCRIPTIONS: Record<FindingKind, { title: string; description: string }> = {
  "unencrypted-traffic": {
    title: "Unencrypted traffic",
    description: "Observed traffic that was not mutual TLS per the destination's proxy, or that a source proxy sent to a destination without a sidecar.",
  },
  "mtls-not-enforced": {
    title: "mTLS not enforced",
    description: "A workload or port that accepts plaintext: PeerAuthentication PERMISSIVE or DISABLE, no sidecar while its callers have one, or a DestinationRule that turns TLS off toward it.",
  },
  "over-permissive-path": {
    title: "Over-permissive path",
    description: "A path a policy rule explicitly allows (the rule names or selects the source) on which no traffic was observed in the telemetry window.",
  },
  "no-default-deny": {
    title: "No default deny",
    description: "A namespace where some workload is not isolated by any NetworkPolicy for ingress or egress, so anything may reach it or it may reach anything.",
  },
  "unnecessary-egress": {
    title: "Unnecessary egress",
    description: "A workload allowed to reach outside the cluster (an ipBlock such as 0.0.0.0/0, no egress isolation, ALLOW_ANY outbound) with no external traffic observed.",
  },
  "unregistered-egress": {
    title: "Unregistered egress",
    description: "Observed traffic to external hosts no ServiceEntry declares (through the PassthroughCluster), or to external addresses.",
  },
  "policy-selects-nothing": {
    title: "Policy selects nothing",
    description: "A NetworkPolicy, AuthorizationPolicy or PeerAuthentication whose selector matches no workload, often a label typo: the protection it was written for is absent.",
  },
  "traffic-contradicts-policy": {
    title: "Traffic contradicts policy",
    description: "Observed traffic that the policies should have denied: enforcement is missing, or the policies changed inside the window.",
  },
  "egress-blocks-dns": {
    title: "Egress blocks DNS",
    description: "Egress isolation that leaves no route to the cluster DNS, so name resolution fails.",
  },
};
