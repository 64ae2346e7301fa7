"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { apiFetch, snapshotsQuery } from "@/components/queries";

/** Deletes the snapshot after a confirmation, then returns to the list. */
export function DeleteSnapshotButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => apiFetch<void>(`/api/snapshots/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: snapshotsQuery().queryKey });
      router.push("/");
    },
  });

  const onClick = () => {
    if (window.confirm(`Delete the snapshot “${name}”? This cannot be undone.`)) remove.mutate();
  };

  return (
    <div className="header-actions">
      <button type="button" className="button button-danger" onClick={onClick} disabled={remove.isPending || remove.isSuccess}>
        {remove.isPending ? "Deleting…" : "Delete snapshot"}
      </button>
      {remove.error && (
        <p role="alert" className="alert alert-error">
          {remove.error.message}
        </p>
      )}
    </div>
  );
}
