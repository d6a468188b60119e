// forbidden() from an admin page: a signed-in person without the admin role (HTTP 403).
import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="card">
      <h1>You do not have access to this page</h1>
      <p className="lead">
        The admin console is for administrators. Your account does not have the admin role; ask an
        administrator if you need it.
      </p>
      <p>
        <Link href="/account">Go to your connected apps</Link>
      </p>
    </div>
  );
}
