/**
 * NetworkPolicy semantics on small fixtures. Every expected line is written by hand from the
 * Kubernetes documentation (https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * and the NetworkPolicy API reference), in np-guard's `SRC => DST : CONN` notation.
 */
import { describe, expect, it } from "vitest";
import { computeConnectivity, formatConnectionsText } from "../connectivity";
import { DEFAULT_MESH, np, ns, wl } from "../testing/builders";
import type { Namespace, Policy, Workload } from "../../model";

const ALL = "0.0.0.0-255.255.255.255[External]";

function lines(workloads: Workload[], namespaces: Namespace[], policies: Policy[], focus?: string): string[] {
  const report = computeConnectivity({ workloads, namespaces, policies, services: [], meshConfig: DEFAULT_MESH }, { focus });
  return formatConnectionsText(report.connections).split("\n").filter(Boolean);
}

function issues(workloads: Workload[], namespaces: Namespace[], policies: Policy[]) {
  return computeConnectivity({ workloads, namespaces, policies, services: [], meshConfig: DEFAULT_MESH }).issues;
}

const a = wl("ns1/a[Deployment]", { app: "a" }, { ports: [["http", 8080]] });
const b = wl("ns1/b[Deployment]", { app: "b" }, { ports: [["http", 9090]] });
const c = wl("ns2/c[Deployment]", { app: "c" });
const NS = [ns("ns1", { team: "one" }), ns("ns2", { team: "two" })];

describe("isolation", () => {
  it("allows everything when no policy selects a pod", () => {
    expect(lines([a, b], NS, [])).toEqual([
      `${ALL} => ns1/a[Deployment] : All Connections`,
      `${ALL} => ns1/b[Deployment] : All Connections`,
      "ns1/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "ns1/a[Deployment] => ns1/b[Deployment] : All Connections",
      "ns1/b[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "ns1/b[Deployment] => ns1/a[Deployment] : All Connections",
    ]);
  });

  it("denies all ingress to a namespace with a default-deny policy, and nothing else", () => {
    const denyAll = np("ns1", "deny-all", { podSelector: {}, policyTypes: ["Ingress"] });
    expect(lines([a, b, c], NS, [denyAll])).toEqual([
      `${ALL} => ns2/c[Deployment] : All Connections`,
      // a and b may still send anywhere: the policy has no Egress type.
      "ns1/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "ns1/a[Deployment] => ns2/c[Deployment] : All Connections",
      "ns1/b[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "ns1/b[Deployment] => ns2/c[Deployment] : All Connections",
      "ns2/c[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
    ]);
  });

  it("isolates for egress only with the Egress type: an empty egress list alone does not", () => {
    // policyTypes absent + `egress: []`: the API server defaults policyTypes to [Ingress] only.
    const onlyIngress = np("ns1", "p", { podSelector: { matchLabels: { app: "a" } }, ingress: [{}], egress: [] });
    expect(lines([a, c], NS, [onlyIngress], "ns1/a[Deployment]")).toEqual([
      `${ALL} => ns1/a[Deployment] : All Connections`,
      "ns1/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "ns1/a[Deployment] => ns2/c[Deployment] : All Connections",
      "ns2/c[Deployment] => ns1/a[Deployment] : All Connections",
    ]);
    const egressDeny = np("ns1", "p", { podSelector: { matchLabels: { app: "a" } }, policyTypes: ["Egress"] });
    expect(lines([a, c], NS, [egressDeny], "ns1/a[Deployment]")).toEqual([
      `${ALL} => ns1/a[Deployment] : All Connections`,
      "ns2/c[Deployment] => ns1/a[Deployment] : All Connections",
    ]);
  });

  it("treats `ingress: [{}]` as allow-all (isolated, but every source admitted)", () => {
    const allowAll = np("ns1", "allow-all", { podSelector: {}, ingress: [{}] });
    expect(lines([a, c], NS, [allowAll], "ns1/a[Deployment]")).toEqual([
      `${ALL} => ns1/a[Deployment] : All Connections`,
      "ns1/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "ns1/a[Deployment] => ns2/c[Deployment] : All Connections",
      "ns2/c[Deployment] => ns1/a[Deployment] : All Connections",
    ]);
  });

  it("ignores a policy whose selector matches nothing", () => {
    const typo = np("ns1", "typo", { podSelector: { matchLabels: { app: "aa" } }, policyTypes: ["Ingress", "Egress"] });
    expect(lines([a, b], NS, [typo])).toEqual(lines([a, b], NS, []));
  });
});

describe("peers", () => {
  const client = wl("ns2/client[Deployment]", { role: "client" });
  const other = wl("ns2/other[Deployment]", { role: "other" });
  const local = wl("ns1/local[Deployment]", { role: "client" });
  const far = wl("ns3/far[Deployment]", { role: "client" });
  const namespaces = [...NS, ns("ns3", { team: "three" })];
  const all = [a, client, other, local, far];
  const sourcesOfA = (policy: Policy) =>
    lines(all, namespaces, [policy], "ns1/a[Deployment]")
      .filter((l) => l.endsWith("=> ns1/a[Deployment] : All Connections"))
      .map((l) => l.split(" => ")[0]);

  it("admits pods from namespaces matching a namespaceSelector", () => {
    const fromTeamTwo = np("ns1", "p", { podSelector: { matchLabels: { app: "a" } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "two" } } }] }] });
    expect(sourcesOfA(fromTeamTwo)).toEqual(["ns2/client[Deployment]", "ns2/other[Deployment]"]);
  });

  it("matches namespaces by the automatic kubernetes.io/metadata.name label", () => {
    const byName = np("ns1", "p", {
      podSelector: { matchLabels: { app: "a" } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ns3" } } }] }],
    });
    expect(sourcesOfA(byName)).toEqual(["ns3/far[Deployment]"]);
  });

  it("ANDs namespaceSelector and podSelector in one peer", () => {
    const and = np("ns1", "p", {
      podSelector: { matchLabels: { app: "a" } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "two" } }, podSelector: { matchLabels: { role: "client" } } }] }],
    });
    expect(sourcesOfA(and)).toEqual(["ns2/client[Deployment]"]);
  });

  it("ORs separate peers, and a podSelector alone means the policy's own namespace", () => {
    const or = np("ns1", "p", {
      podSelector: { matchLabels: { app: "a" } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "two" } } }, { podSelector: { matchLabels: { role: "client" } } }] }],
    });
    // ns2: every pod; role=client: only ns1/local, not ns3/far.
    expect(sourcesOfA(or)).toEqual(["ns1/local[Deployment]", "ns2/client[Deployment]", "ns2/other[Deployment]"]);
  });

  it("treats an empty namespaceSelector as every namespace", () => {
    const anywhere = np("ns1", "p", {
      podSelector: { matchLabels: { app: "a" } },
      ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: "client" } } }] }],
    });
    expect(sourcesOfA(anywhere)).toEqual(["ns1/local[Deployment]", "ns2/client[Deployment]", "ns3/far[Deployment]"]);
  });

  it("matches NotIn when the key is absent, as the API server does", () => {
    const notIn = np("ns1", "p", {
      podSelector: { matchLabels: { app: "a" } },
      ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: "role", operator: "NotIn", values: ["client"] }] } }] }],
    });
    // other has role=other; a itself has no role label but self-connections are not listed.
    expect(sourcesOfA(notIn)).toEqual(["ns2/other[Deployment]"]);
  });

  it("does not let external addresses in through pod peers", () => {
    const podsOnly = np("ns1", "p", { podSelector: { matchLabels: { app: "a" } }, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    expect(lines(all, namespaces, [podsOnly], "ns1/a[Deployment]").filter((l) => l.includes("[External] =>"))).toEqual([]);
  });
});

describe("ports", () => {
  const x = wl("ns1/x[Deployment]", { app: "x" });
  const noHttp = wl("ns1/nohttp[Deployment]", { app: "nohttp" }, { ports: [["web", 80]] });
  const udpHttp = wl("ns1/udp[Deployment]", { app: "udp" }, { ports: [["http", 5353, "UDP"]] });
  const toX = (focus: string, policy: Policy) =>
    lines([a, b, x, noHttp, udpHttp], NS, [policy], focus).filter((l) => l.startsWith("ns1/x[Deployment] => ns1/"));

  it("resolves a named port per destination pod", () => {
    const http = np("ns1", "http", { podSelector: {}, ingress: [{ ports: [{ port: "http" }] }] });
    // a names 8080 http, b names 9090 http; nohttp has no port called http; udp's http is UDP.
    expect(lines([a, b, x, noHttp, udpHttp], NS, [http]).filter((l) => l.startsWith("ns1/x[Deployment] => ns1/"))).toEqual([
      "ns1/x[Deployment] => ns1/a[Deployment] : TCP 8080",
      "ns1/x[Deployment] => ns1/b[Deployment] : TCP 9090",
    ]);
  });

  it("defaults the protocol to TCP and keeps TCP, UDP and SCTP apart", () => {
    const mixed = np("ns1", "p", {
      podSelector: { matchLabels: { app: "a" } },
      ingress: [{ ports: [{ port: 53, protocol: "UDP" }, { port: 53 }, { port: 9000, protocol: "SCTP" }, { port: 443 }] }],
    });
    expect(toX("ns1/a[Deployment]", mixed)).toEqual(["ns1/x[Deployment] => ns1/a[Deployment] : SCTP 9000,TCP 53,443,UDP 53"]);
  });

  it("allows every port of a protocol given without a port, and everything with no ports", () => {
    const udpOnly = np("ns1", "p", { podSelector: { matchLabels: { app: "a" } }, ingress: [{ ports: [{ protocol: "UDP" }] }] });
    expect(toX("ns1/a[Deployment]", udpOnly)).toEqual(["ns1/x[Deployment] => ns1/a[Deployment] : UDP"]);
    const noPorts = np("ns1", "p", { podSelector: { matchLabels: { app: "a" } }, ingress: [{ ports: [] }] });
    expect(toX("ns1/a[Deployment]", noPorts)).toEqual(["ns1/x[Deployment] => ns1/a[Deployment] : All Connections"]);
  });

  it("allows port ranges with endPort and merges adjacent ranges", () => {
    const range = np("ns1", "p", {
      podSelector: { matchLabels: { app: "a" } },
      ingress: [{ ports: [{ port: 32000, endPort: 32768 }, { port: 32769 }, { port: 80 }] }],
    });
    expect(toX("ns1/a[Deployment]", range)).toEqual(["ns1/x[Deployment] => ns1/a[Deployment] : TCP 80,32000-32769"]);
  });

  it("adds up the rules of several policies selecting the same pod", () => {
    const p1 = np("ns1", "p1", { podSelector: { matchLabels: { app: "a" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "x" } } }], ports: [{ port: 80 }] }] });
    const p2 = np("ns1", "p2", { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: "x" } } }], ports: [{ port: 443 }] }] });
    expect(lines([a, x], NS, [p1, p2], "ns1/a[Deployment]")).toEqual([
      "ns1/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "ns1/x[Deployment] => ns1/a[Deployment] : TCP 80,443",
    ]);
  });
});

describe("both ends must agree", () => {
  it("intersects the source's egress with the destination's ingress across namespaces", () => {
    const egress = np("ns1", "out", {
      podSelector: { matchLabels: { app: "a" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { team: "two" } }, podSelector: { matchLabels: { app: "c" } } }], ports: [{ port: 80 }, { port: 8443 }] }],
    });
    const ingress = np("ns2", "in", {
      podSelector: { matchLabels: { app: "c" } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "one" } } }], ports: [{ port: 80 }, { port: 443 }] }],
    });
    expect(lines([a, c], NS, [egress, ingress])).toEqual([
      // a is isolated for egress only; c for ingress only.
      `${ALL} => ns1/a[Deployment] : All Connections`,
      "ns1/a[Deployment] => ns2/c[Deployment] : TCP 80",
      "ns2/c[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections",
      "ns2/c[Deployment] => ns1/a[Deployment] : All Connections",
    ]);
  });

  it("leaves no route to DNS when egress isolation forgets it", () => {
    const dns = wl("kube-system/coredns[Deployment]", { "k8s-app": "kube-dns" }, { ports: [["dns", 53, "UDP"], ["dns-tcp", 53]] });
    const db = wl("ns1/db[StatefulSet]", { app: "db" });
    const namespaces = [...NS, ns("kube-system")];
    const onlyDb = np("ns1", "only-db", {
      podSelector: { matchLabels: { app: "a" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: { matchLabels: { app: "db" } } }], ports: [{ port: 5432 }] }],
    });
    expect(lines([a, db, dns], namespaces, [onlyDb]).filter((l) => l.startsWith("ns1/a"))).toEqual(["ns1/a[Deployment] => ns1/db[StatefulSet] : TCP 5432"]);
    const withDns = np("ns1", "dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
        },
      ],
    });
    expect(lines([a, db, dns], namespaces, [onlyDb, withDns]).filter((l) => l.startsWith("ns1/a"))).toEqual([
      "ns1/a[Deployment] => kube-system/coredns[Deployment] : TCP 53,UDP 53",
      "ns1/a[Deployment] => ns1/db[StatefulSet] : TCP 5432",
    ]);
  });
});

describe("ipBlock", () => {
  const egressTo = (...rules: unknown[]) => np("ns1", "out", { podSelector: { matchLabels: { app: "a" } }, policyTypes: ["Egress"], egress: rules });

  it("subtracts except ranges, and never matches pods", () => {
    const policy = egressTo({ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ port: 443 }] });
    expect(lines([a, b], NS, [policy]).filter((l) => l.startsWith("ns1/a"))).toEqual([
      "ns1/a[Deployment] => 10.0.0.0-10.0.255.255[External] : TCP 443",
      "ns1/a[Deployment] => 10.2.0.0-10.255.255.255[External] : TCP 443",
    ]);
  });

  it("lets another rule re-allow an address one rule excepts", () => {
    const policy = egressTo(
      { to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }], ports: [{ port: 443 }] },
      { to: [{ ipBlock: { cidr: "10.1.2.0/24" } }], ports: [{ port: 443 }] },
    );
    expect(lines([a], NS, [policy]).filter((l) => l.startsWith("ns1/a"))).toEqual([
      "ns1/a[Deployment] => 10.0.0.0-10.0.255.255[External] : TCP 443",
      "ns1/a[Deployment] => 10.1.2.0-10.1.2.255[External] : TCP 443",
      "ns1/a[Deployment] => 10.2.0.0-10.255.255.255[External] : TCP 443",
    ]);
  });

  it("gives overlapping blocks the union of their ports", () => {
    const policy = egressTo(
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }], ports: [{ port: 443 }] },
      { to: [{ ipBlock: { cidr: "8.8.8.8/32" } }], ports: [{ port: 53, protocol: "UDP" }] },
    );
    expect(lines([a], NS, [policy]).filter((l) => l.startsWith("ns1/a"))).toEqual([
      "ns1/a[Deployment] => 0.0.0.0-8.8.8.7[External] : TCP 443",
      "ns1/a[Deployment] => 11.0.0.0-255.255.255.255[External] : TCP 443",
      "ns1/a[Deployment] => 8.8.8.8-8.8.8.8[External] : TCP 443,UDP 53",
      "ns1/a[Deployment] => 8.8.8.9-9.255.255.255[External] : TCP 443",
    ]);
  });

  it("admits outside addresses on ingress by ipBlock, with named ports resolved on the destination", () => {
    const policy = np("ns1", "in", { podSelector: { matchLabels: { app: "a" } }, ingress: [{ from: [{ ipBlock: { cidr: "192.168.0.0/16" } }], ports: [{ port: "http" }] }] });
    expect(lines([a], NS, [policy]).filter((l) => l.includes("=> ns1/a"))).toEqual(["192.168.0.0-192.168.255.255[External] => ns1/a[Deployment] : TCP 8080"]);
  });
});

describe("invalid policies are reported and left out", () => {
  const cases: [string, unknown, string, RegExp][] = [
    ["endPort below port", { podSelector: {}, ingress: [{ ports: [{ port: 8080, endPort: 80 }] }] }, "spec.ingress[0].ports[0].endPort", /greater than or equal to port/],
    ["endPort with a named port", { podSelector: {}, ingress: [{ ports: [{ port: "http", endPort: 90 }] }] }, "spec.ingress[0].ports[0].endPort", /named port/],
    ["a bad CIDR", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/33" } }] }] }, "spec.ingress[0].from[0].ipBlock.cidr", /prefix/],
    ["an except outside the block", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.1.0.0/24"] } }] }] }, "spec.ingress[0].from[0].ipBlock.except[0]", /strict subset/],
    ["an unknown selector operator", { podSelector: { matchExpressions: [{ key: "app", operator: "in", values: ["a"] }] } }, "spec.podSelector.matchExpressions[0].operator", /operator/],
    ["ipBlock with a selector in one peer", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }] }] }, "spec.ingress[0].from[0]", /both ipBlock and another peer/],
    ["a quoted port number", { podSelector: {}, ingress: [{ ports: [{ port: "80" }] }] }, "spec.ingress[0].ports[0].port", /port name/],
    ["an unknown protocol", { podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: "ICMP" }] }] }, "spec.ingress[0].ports[0].protocol", /TCP, UDP or SCTP/],
  ];
  for (const [what, spec, field, message] of cases) {
    it(`refuses ${what}`, () => {
      const bad = np("ns1", "bad", spec);
      expect(issues([a, b], NS, [bad])).toEqual([{ policy: "ns1/bad[NetworkPolicy]", field, message: expect.stringMatching(message) }]);
      // Left out entirely: the pods stay unisolated, as if the object had never been applied.
      expect(lines([a, b], NS, [bad])).toEqual(lines([a, b], NS, []));
    });
  }
});
