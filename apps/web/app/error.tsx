"use client";

// Shown when the auth-server cannot be reached or answers outside its contract; the details stay in
// the server log, never on the page.
export default function ErrorPage({ retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="card">
      <h1>Something went wrong</h1>
      <p className="lead">
        The sign-in service is not answering right now. Wait a moment, then try again.
      </p>
      <div className="button-row">
        <button type="button" className="button button-primary" onClick={() => retry()}>
          Try again
        </button>
      </div>
    </div>
  );
}
