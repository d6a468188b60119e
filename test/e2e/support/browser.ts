// Debian's Chromium, driven by Playwright (Playwright's own browser download needs a network these machines lack).
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      // RFC 2606 names stand for other sites in the tests; they must never reach a DNS server.
      // Playwright answers for the pages a test serves there; a redirect to one (which routes do
      // not see) fails at once, after the test has seen the request.
      "--host-resolver-rules=MAP *.example ~NOTFOUND",
    ],
  });
}
