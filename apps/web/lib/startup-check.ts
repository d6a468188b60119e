// A misconfigured deployment refuses to start, naming each bad variable, instead of failing on its
// first request (each server checks its config and refuses to start on a mismatch).
import { PHASE_PRODUCTION_BUILD } from "next/constants";
import { WebConfigError, webConfig } from "./config";

export function refuseToStartWithInvalidConfig(): void {
  // `next build` needs no deployment secrets.
  if (process.env.NEXT_PHASE === PHASE_PRODUCTION_BUILD) return;
  try {
    webConfig();
  } catch (error) {
    if (!(error instanceof WebConfigError)) throw error;
    console.error(`web: ${error.message}`);
    // Next.js only logs an error thrown by register() and serves anyway, every page an error.
    process.exit(1);
  }
}
