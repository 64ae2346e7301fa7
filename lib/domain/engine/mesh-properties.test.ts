/**
 * The engine shares Istio work between sources its policies cannot tell apart, and answers one
 * workload's peers class by class. Both are optimisations: on random small meshes (fast-check,
 * fixed seed) they must give exactly what deciding every pair for its own source gives.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeMesh, type MeshAnalysis, type MeshInput } from "./mesh";
import { NAMESPACES, policiesArb, PROPERTY_TIMEOUT, SERVICES, workloadsArb } from "./testing/arbitraries";
import { DEFAULT_MESH } from "./testing/builders";

/** Every pair's answer, in full: connections, groups and refusals. */
function answers(analysis: MeshAnalysis, n: number): string[] {
  const lines: string[] = [];
  for (let s = 0; s < n; s++) {
    for (let d = 0; d < n; d++) {
      if (s === d) continue;
      const v = analysis.between(s, d);
      const groups = v.groups.map((g) => `${g.connections} ${g.encryption} ${g.authorization} [${g.allowedBy.join(";")}] ${JSON.stringify(g.http ?? null)} ${g.reason}`);
      const refused = v.refused.map((r) => `${r.connections} ${r.reason}`);
      lines.push(`${s}->${d}: ${v.connections} | ${groups.join(" / ")} | ${refused.join(" / ")}`);
    }
  }
  return lines;
}

describe("shared Istio work gives what deciding each pair alone gives", () => {
  it("between: the same connections, groups and refusals for every pair", () => {
    fc.assert(
      fc.property(workloadsArb, policiesArb, (workloads, policies) => {
        const input: MeshInput = { workloads, namespaces: NAMESPACES, services: SERVICES, policies, meshConfig: DEFAULT_MESH };
        // Shared first, so that profiles built for one source are reused for the next.
        const shared = answers(analyzeMesh(input), workloads.length);
        expect(shared).toEqual(answers(analyzeMesh(input, { share: false }), workloads.length));
      }),
      { seed: 20261127, numRuns: 300 },
    );
  }, PROPERTY_TIMEOUT);

  it("peersOf and connectionsBetween: what between allows, pair by pair", () => {
    fc.assert(
      fc.property(workloadsArb, policiesArb, (workloads, policies) => {
        const input: MeshInput = { workloads, namespaces: NAMESPACES, services: SERVICES, policies, meshConfig: DEFAULT_MESH };
        const analysis = analyzeMesh(input);
        const reference = analyzeMesh(input, { share: false });
        workloads.forEach((_, s) => {
          const expected = workloads.flatMap((__, d) => {
            const conn = reference.between(s, d).connections;
            return d === s || conn.isEmpty() ? [] : [`${d}: ${conn}`];
          });
          const peers = analysis.peersOf(s).flatMap((group) => group.destinations.map((d) => `${d}: ${group.connections}`));
          expect(peers.sort()).toEqual(expected.sort());
          workloads.forEach((__, d) => expect(analysis.connectionsBetween(s, d).toString()).toBe(reference.between(s, d).connections.toString()));
        });
      }),
      { seed: 20261127, numRuns: 300 },
    );
  }, PROPERTY_TIMEOUT);

  it("sourceClasses: a partition whose members all have the first member's answer", () => {
    fc.assert(
      fc.property(workloadsArb, policiesArb, (workloads, policies) => {
        const input: MeshInput = { workloads, namespaces: NAMESPACES, services: SERVICES, policies, meshConfig: DEFAULT_MESH };
        const analysis = analyzeMesh(input);
        const reference = analyzeMesh(input, { share: false });
        const classes = analysis.sourceClasses();
        expect(classes.flat().sort((a, b) => a - b)).toEqual(workloads.map((_, s) => s));
        for (const members of classes) {
          expect([...members].sort((a, b) => a - b)).toEqual(members);
          const answer = analysis.peerGroupsOf(members[0]!);
          for (const s of members) {
            // The shared answer, read for s: every listed destination but s itself.
            const read = answer.flatMap((group) => group.destinations.filter((d) => d !== s).map((d) => `${d}: ${group.connections}`));
            const expected = workloads.flatMap((__, d) => {
              const conn = reference.between(s, d).connections;
              return d === s || conn.isEmpty() ? [] : [`${d}: ${conn}`];
            });
            expect(read.sort()).toEqual(expected.sort());
          }
        }
      }),
      { seed: 20261127, numRuns: 300 },
    );
  }, PROPERTY_TIMEOUT);
});
