/**
 * The pass over every allowed path reads each class of sources' answer once and counts it for
 * all its members. On random small meshes it must give what visiting every pair for its own
 * source gives: the reference below asks the engine without sharing (`share: false`) for each
 * source's peers and counts them one by one, as the definitions in paths.ts say.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeMesh } from "../engine/mesh";
import { ConnectionSet } from "../engine/primitives/connections";
import { NAMESPACES, policiesArb, PROPERTY_TIMEOUT, SERVICES, workloadsArb } from "../engine/testing/arbitraries";
import { buildContext } from "./context";
import { mtlsTargets } from "./mtls-targets";
import { LISTED_CALLERS, scanPaths } from "./paths";
import { snapshot } from "./test-helpers";

const TCP = ConnectionSet.allOf("TCP");

describe("scanPaths", () => {
  it("counts every allowed pair as visiting each source alone does", () => {
    fc.assert(
      fc.property(workloadsArb, policiesArb, (workloads, policies) => {
        const snap = snapshot({ namespaces: NAMESPACES, workloads, services: SERVICES, policies });
        const context = buildContext(snap);
        const scan = scanPaths(context);
        const reference = analyzeMesh(snap, { share: false });
        const { weak, unmeshedServers } = mtlsTargets(context);
        const guardedPolicies = new Set(policies.filter((p) => p.kind === "AuthorizationPolicy" && (p.object.spec as { action?: string }).action !== "DENY").map((p) => p.id));
        const n = workloads.length;

        let allowedPaths = 0;
        const incoming = new Array<number>(n).fill(0);
        const fromOther = new Array<number>(n).fill(0);
        const outgoing = new Array<number>(n).fill(0);
        const example = new Map<number, number>();
        const unmeshedCallers = new Map<number, number[]>();
        const meshedCallers = new Map<number, number[]>();
        const guarded: string[] = [];
        for (let s = 0; s < n; s++) {
          const source = workloads[s]!;
          for (const group of reference.peersOf(s)) {
            const tcp = !group.connections.intersect(TCP).isEmpty();
            for (const d of group.destinations) {
              allowedPaths += 1;
              const destination = workloads[d]!;
              const ports = weak.get(d);
              if (ports && !group.connections.intersect(ports.connections).isEmpty()) {
                if (!example.has(d)) example.set(d, s);
                if (!source.sidecar.injected) unmeshedCallers.set(d, [...(unmeshedCallers.get(d) ?? []), s]);
              }
              if (tcp && source.sidecar.injected && unmeshedServers.has(d)) meshedCallers.set(d, [...(meshedCallers.get(d) ?? []), s]);
              const counts = tcp || destination.ports.some((p) => p.protocol !== "TCP" && group.connections.has(p.protocol, p.port));
              if (!counts) continue;
              incoming[d]! += 1;
              outgoing[s]! += 1;
              if (destination.namespace !== source.namespace) fromOther[d]! += 1;
              const allowPolicy = reference.authorization.policiesFor(destination).some((id) => guardedPolicies.has(id));
              if (tcp && destination.sidecar.injected && allowPolicy) guarded.push(`${s}>${d} ${group.connections}`);
            }
          }
        }
        expect(scan.allowedPaths).toBe(allowedPaths);
        expect([...scan.incoming]).toEqual(incoming);
        expect([...scan.incomingFromOtherNamespaces]).toEqual(fromOther);
        expect([...scan.outgoing]).toEqual(outgoing);
        expect(scan.guarded.sources.map((s, i) => `${s}>${scan.guarded.destinations[i]} ${scan.guarded.connections[i]}`)).toEqual(guarded);
        const ids = (list: number[] | undefined) => (list ?? []).slice(0, LISTED_CALLERS).map((i) => workloads[i]!.id).sort();
        for (const d of weak.keys()) {
          const found = scan.reach.weak.get(d)!;
          expect(found.exampleCaller).toBe(example.has(d) ? workloads[example.get(d)!]!.id : null);
          expect(found.unmeshedCallers).toEqual({ count: unmeshedCallers.get(d)?.length ?? 0, first: ids(unmeshedCallers.get(d)) });
        }
        expect([...scan.reach.meshedCallers.keys()].sort()).toEqual([...meshedCallers.keys()].sort());
        for (const [d, callers] of meshedCallers) expect(scan.reach.meshedCallers.get(d)).toEqual({ count: callers.length, first: ids(callers) });
      }),
      { seed: 20261127, numRuns: 300 },
    );
  }, PROPERTY_TIMEOUT);
});
