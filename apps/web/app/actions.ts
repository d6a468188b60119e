// Sign out, from the home page: ends the session cookie.
"use server";

import { redirect } from "next/navigation";
import { endSession } from "@/lib/request-context";

/** No other site can post this (proxy.ts refuses a form from another origin). */
export async function signOut(): Promise<void> {
  await endSession();
  redirect("/");
}
