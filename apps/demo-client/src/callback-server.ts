// The redirect URI of a native app: a loopback HTTP server on an ephemeral port (RFC 8252 §7.3), checking state and iss (RFC 9207).
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const CALLBACK_PATH = "/callback";

/** What the client expects back from one authorization request. */
export interface ExpectedResponse {
  state: string;
  /** The authorization server's `issuer` (RFC 8414), compared with the response's `iss`. */
  issuer?: string;
  /** RFC 9207 §2.4: an AS that advertises `iss` support must send it; its absence is an attack sign. */
  issRequired?: boolean;
}

export interface AuthorizationResponse {
  code: string;
  iss?: string;
}

/** The authorization server answered with an error (RFC 6749 §4.1.2.1), e.g. the person said no. */
export class AuthorizationResponseError extends Error {
  constructor(
    readonly error: string,
    readonly description: string | undefined,
  ) {
    super(`the authorization server answered ${error}${description ? `: ${description}` : ""}`);
  }
}

export interface CallbackServer {
  /** `http://127.0.0.1:<port>/callback` */
  redirectUri: string;
  /**
   * Waits for the response to the authorization request with `expected.state`. Callbacks that do
   * not match are refused and waiting goes on: anyone on this machine can reach the port.
   */
  expect(expected: ExpectedResponse, timeoutMs?: number): Promise<AuthorizationResponse>;
  /** Called with a one-line reason whenever a callback is refused. */
  onRefused?: (reason: string) => void;
  close(): Promise<void>;
}

interface Waiter {
  expected: ExpectedResponse;
  resolve(response: AuthorizationResponse): void;
  reject(error: Error): void;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export async function startCallbackServer(): Promise<CallbackServer> {
  let waiter: Waiter | undefined;
  const callbackServer: CallbackServer = {
    redirectUri: "",
    expect: (expected, timeoutMs = DEFAULT_TIMEOUT_MS) =>
      new Promise<AuthorizationResponse>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          reject(new Error(`no authorization response arrived within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiter = {
          expected,
          resolve: (response) => {
            clearTimeout(timer);
            resolve(response);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method !== "GET" || url.pathname !== CALLBACK_PATH) {
      return page(response, 404, "Not found", "This is the demo client's redirect URI only.");
    }
    const current = waiter;
    const verdict = judge(url.searchParams, current?.expected);
    if (verdict.kind === "refused") {
      callbackServer.onRefused?.(verdict.reason);
      return page(
        response,
        400,
        "Refused",
        `The demo client refused this response: ${verdict.reason}.`,
      );
    }
    waiter = undefined;
    if (verdict.kind === "error") {
      current?.reject(verdict.error);
      return page(
        response,
        200,
        "Authorization failed",
        `${verdict.error.message}. You can close this tab.`,
      );
    }
    current?.resolve(verdict.response);
    return page(
      response,
      200,
      "Done",
      "The demo client has its authorization code. You can close this tab.",
    );
  });
  // RFC 8252 §8.3: bind the loopback address only, never all interfaces.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  // RFC 8252 §7.3: the literal IP, not "localhost", which could resolve elsewhere.
  callbackServer.redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}${CALLBACK_PATH}`;
  return callbackServer;
}

type Verdict =
  | { kind: "refused"; reason: string }
  | { kind: "error"; error: AuthorizationResponseError }
  | { kind: "code"; response: AuthorizationResponse };

/** Decides what one callback is worth. Pure, so each refusal can be tested on its own. */
export function judge(query: URLSearchParams, expected: ExpectedResponse | undefined): Verdict {
  if (!expected) return { kind: "refused", reason: "no authorization request is waiting" };
  // RFC 6749 §10.12: without the state it sent, the client could be fed an attacker's code (CSRF).
  if (query.get("state") !== expected.state) {
    return { kind: "refused", reason: "its state does not match the request's" };
  }
  const iss = query.get("iss");
  // RFC 9207 §2.4: a response from another authorization server than the one asked is a mix-up attack.
  if (iss !== null && expected.issuer !== undefined && iss !== expected.issuer) {
    return { kind: "refused", reason: `its iss ${iss} is not the authorization server asked` };
  }
  if (iss === null && expected.issRequired) {
    return {
      kind: "refused",
      reason: "it has no iss, which this authorization server always sends",
    };
  }
  const error = query.get("error");
  if (error !== null) {
    return {
      kind: "error",
      error: new AuthorizationResponseError(error, query.get("error_description") ?? undefined),
    };
  }
  const code = query.get("code");
  if (!code) return { kind: "refused", reason: "it carries neither a code nor an error" };
  return { kind: "code", response: iss === null ? { code } : { code, iss } };
}

function page(response: ServerResponse, status: number, title: string, message: string) {
  response.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    // The page quotes text from the query string; nothing on it may run or load.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Referrer-Policy": "no-referrer",
  });
  response.end(
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
      `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto">` +
      `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[character] ??
      character,
  );
}
