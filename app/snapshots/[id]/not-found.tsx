import Link from "next/link";

export default function SnapshotNotFound() {
  return (
    <div className="panel empty-state">
      <h1>No such snapshot</h1>
      <p>It may have been deleted, or the link is incomplete.</p>
      <p>
        <Link href="/">See all snapshots</Link>
      </p>
    </div>
  );
}
