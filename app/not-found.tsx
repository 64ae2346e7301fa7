import Link from "next/link";

export default function NotFound() {
  return (
    <div className="panel empty-state">
      <h1>Page not found</h1>
      <p>
        <Link href="/">See all snapshots</Link>
      </p>
    </div>
  );
}
