import type { Metadata } from "next";
import { safeReturnPath } from "@/lib/return-path";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

/** Why the person is asked to sign in (app/session-ended, app/account/sign-out-everywhere). */
const NOTICES = new Map([
  [
    "session-ended",
    "You were signed out: your password was reset, your account was changed, or you signed out everywhere.",
  ],
  ["signed-out-everywhere", "You are signed out on every device and browser."],
]);

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { interaction, next, notice } = await searchParams;
  const interactionId = typeof interaction === "string" ? interaction : undefined;
  const returnPath = interactionId ? undefined : safeReturnPath(next);
  // A fixed sentence per known value: nothing from the URL is shown.
  const message = typeof notice === "string" ? NOTICES.get(notice) : undefined;
  return (
    <div className="card">
      {message ? (
        <div className="notice" role="status">
          <p>{message}</p>
        </div>
      ) : null}
      <h1>Sign in</h1>
      <p className="lead">
        {interactionId
          ? "Sign in to continue. Next you will see what the app is asking to do."
          : "Sign in to your account."}
      </p>
      <LoginForm interactionId={interactionId} returnPath={returnPath} />
    </div>
  );
}
