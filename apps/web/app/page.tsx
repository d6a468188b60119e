import Link from "next/link";
import { currentSession } from "@/lib/request-context";
import { signOut } from "./actions";

export default async function HomePage() {
  const session = await currentSession();
  if (!session) {
    return (
      <div className="card">
        <h1>You are not signed in</h1>
        <p className="lead">
          Apps that connect to the Financial sentiment MCP server send you here to sign in and to
          choose what they may do for you.
        </p>
        <div className="button-row">
          <Link className="button button-primary" href="/login">
            Sign in
          </Link>
        </div>
      </div>
    );
  }
  return (
    <div className="card">
      <h1>Hello, {session.name}</h1>
      <p className="lead">
        You are signed in as <strong>{session.email}</strong>
        {session.isAdmin ? " (administrator)" : ""}.
      </p>
      <ul>
        <li>
          <Link href="/account">Connected apps</Link>: the apps you allowed to act for you
        </li>
        {session.isAdmin ? (
          <li>
            <Link href="/admin">Admin console</Link>: clients, users, grants, keys and the audit log
          </li>
        ) : null}
      </ul>
      <form action={signOut}>
        <div className="button-row">
          <button type="submit" className="button">
            Sign out
          </button>
        </div>
      </form>
    </div>
  );
}
