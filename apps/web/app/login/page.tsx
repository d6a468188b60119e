import type { Metadata } from "next";
import { safeReturnPath } from "../../lib/return-path";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { interaction, next } = await searchParams;
  const interactionId = typeof interaction === "string" ? interaction : undefined;
  const returnPath = interactionId ? undefined : safeReturnPath(next);
  return (
    <div className="card">
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
