"use client";

// Shown when the auth-server cannot be reached or answers outside its contract; details stay in the
// server log, never on the page.
export default function ErrorPage({
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="card">
      <h1>Something went wrong</h1>
      <p className="lead">
        The sign-in service is not answering right now. Wait a moment, then try again.
      </p>
      <div className="button-row">
        <button type="button" className="button button-primary" onClick={() => reset()}>
          Try again
        </button>
      </div>
    </div>
  );
}
