// Runs once when `next start` (or `next dev`) boots the server.
export async function register() {
  // Compiled for the edge runtime too, where there is no process to stop: only Node.js checks.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { refuseToStartWithInvalidConfig } = await import("@/lib/startup-check");
    refuseToStartWithInvalidConfig();
  }
}
