// The login form's submission: checks the password through the internal API, then starts a session.
"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { forwardedClientAddress } from "@/lib/client-address";
import { webConfig } from "@/lib/config";
import { internalApi, startSession } from "@/lib/request-context";
import { safeReturnPath } from "@/lib/return-path";

export interface SignInState {
  /** What the person typed, so a failed attempt does not make them type it again. */
  email: string;
  error?: string;
}

/** One message for an unknown email and a wrong password, so the form does not reveal who has an account. */
const INVALID_CREDENTIALS_MESSAGE = "The email or password is incorrect.";

export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const email = stringField(form, "email").trim();
  const password = stringField(form, "password");
  const interactionId = stringField(form, "interaction");
  const returnPath = safeReturnPath(stringField(form, "next"));
  if (!email || !password) return { email, error: "Enter your email and password." };

  // Login CSRF (signing the victim in as the attacker's account) cannot reach this line: proxy.ts
  // refuses a form post from another origin, as for every other form.
  const config = webConfig();
  const requestHeaders = await headers();
  const result = await internalApi().login({
    email,
    password,
    clientAddress: forwardedClientAddress(requestHeaders.get("x-forwarded-for"), config.trustProxy),
  });
  switch (result.status) {
    case "invalid-credentials":
      return { email, error: INVALID_CREDENTIALS_MESSAGE };
    case "too-many-attempts":
      return { email, error: tooManyAttemptsMessage(result.retryAfterSeconds) };
    case "signed-in":
      await startSession(result.user);
      redirect(
        interactionId
          ? `/consent?${new URLSearchParams({ interaction: interactionId })}`
          : (returnPath ?? "/"),
      );
  }
}

function tooManyAttemptsMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many attempts, try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

function stringField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
