/**
 * A secret the server shows once (a new API token, a new share link): selected on focus so it can
 * be copied, with a label that says it will not be shown again.
 */
export function OneTimeSecret({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div role="status" className="alert alert-success share-created">
      <label htmlFor={id}>{label} (shown only now: copy it)</label>
      <input id={id} type="text" readOnly value={value} onFocus={(e) => e.target.select()} />
    </div>
  );
}
