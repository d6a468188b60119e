"use client";

import { useActionState } from "react";
import { type SignInState, signIn } from "./actions";

export function LoginForm({
  interactionId,
  returnPath,
}: {
  interactionId: string | undefined;
  /** A console or account page to come back to (already checked by safeReturnPath). */
  returnPath?: string | undefined;
}) {
  const [state, formAction, pending] = useActionState<SignInState, FormData>(signIn, { email: "" });
  const errorId = state.error ? "login-error" : undefined;
  return (
    <form action={formAction} noValidate>
      {state.error ? (
        <p id="login-error" className="alert" role="alert">
          {state.error}
        </p>
      ) : null}
      {interactionId ? <input type="hidden" name="interaction" value={interactionId} /> : null}
      {returnPath ? <input type="hidden" name="next" value={returnPath} /> : null}
      <div className="field">
        <label htmlFor="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          inputMode="email"
          spellCheck={false}
          required
          defaultValue={state.email}
          aria-invalid={state.error ? true : undefined}
          aria-describedby={errorId}
        />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={state.error ? true : undefined}
          aria-describedby={errorId}
        />
      </div>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </div>
    </form>
  );
}
