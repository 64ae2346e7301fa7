/**
 * A policy (or part of one) the engine had to leave out because the API server would have
 * refused it, e.g. `endPort` below `port` or a bad CIDR. Reported, never silently ignored.
 */
export interface PolicyIssue {
  /** The policy, `namespace/name[Kind]`. */
  policy: string;
  /** Field path inside the object, e.g. `spec.ingress[0].ports[1].endPort`. */
  field: string;
  message: string;
}
