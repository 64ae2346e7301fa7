"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useId, useState } from "react";
import { policyQuery } from "@/components/queries";
import type { PolicyRow } from "@/lib/domain/snapshot/view";

// The YAML printer is only needed once someone opens a policy: keep it out of the page bundle.
const YamlBlock = dynamic(() => import("./yaml-block").then((m) => m.YamlBlock), {
  loading: () => <p className="muted">Loading…</p>,
});

/** A "View YAML" disclosure that loads the policy object, verbatim, when first opened. */
export function PolicyYaml({ snapshotId, policy }: { snapshotId: string; policy: PolicyRow }) {
  const [open, setOpen] = useState(false);
  const regionId = useId();
  const { data, error } = useQuery({ ...policyQuery(snapshotId, policy.id), enabled: open });

  return (
    <div>
      <button
        type="button"
        className="view-yaml-button"
        aria-expanded={open}
        aria-controls={regionId}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">{open ? "▾" : "▸"}</span> View YAML
        <span className="visually-hidden"> of {policy.name}</span>
      </button>
      <div id={regionId} hidden={!open}>
        {open &&
          (data ? (
            <YamlBlock value={data.policy.object} label={`YAML of ${policy.id}`} />
          ) : error ? (
            <p role="alert" className="alert alert-error">
              {error.message}
            </p>
          ) : (
            <p className="muted">Loading…</p>
          ))}
      </div>
    </div>
  );
}
