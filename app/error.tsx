"use client";

/** Anything a page could not recover from; details stay in the server log. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="panel empty-state" role="alert">
      <h1>Something went wrong</h1>
      <p>The page could not be loaded. Try again; if it keeps failing, the server log has the details.</p>
      {error.digest && (
        <p>
          Reference: <code>{error.digest}</code>
        </p>
      )}
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
