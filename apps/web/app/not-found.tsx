import Link from "next/link";

export default function NotFound() {
  return (
    <div className="card">
      <h1>Page not found</h1>
      <p className="lead">There is nothing at this address.</p>
      <p>
        <Link href="/">Go to your account</Link>
      </p>
    </div>
  );
}
