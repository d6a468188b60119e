// The command line: flags and environment, parsed and checked once with node:util parseArgs.
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { AuthorizeMode } from "./user-agent";

export const DEFAULT_SERVER_URL = "http://localhost:4100/mcp";
export const DEFAULT_ISSUER = "http://localhost:4000";
export const DEFAULT_TICKER = "QTXA";
const REPOSITORY_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const DEFAULT_STATE_FILE = resolve(REPOSITORY_ROOT, "data", "demo-client.json");

export interface UserFlowOptions {
  flow: "user";
  serverUrl: URL;
  stepUp: boolean;
  authorize: AuthorizeMode;
  cimdUrl?: string;
  stateFile: string;
  reset: boolean;
  ticker: string;
}

/**
 * The development default of the private key of the seeded `private_key_jwt` client demo-batch-jwt.
 * Published, like demo-batch's secret: the auth-server refuses its public half outside a developer's
 * computer (DEMO_BATCH_JWT_PUBLIC_KEY), and a deployment registers its own key.
 */
export const DEVELOPMENT_JWT_CLIENT_PRIVATE_KEY = {
  kty: "EC",
  crv: "P-256",
  x: "BFZ9pOkls0zMIDtljBbW92GKLTj9EUqADr_vGdA3Bzs",
  y: "SMP2j-tKueIUS_f4SSnCilxjTantnvT5l7pO2qI3X0Q",
  d: "lLXLOxYGslByo8abCpc5CzK_Qg2kFarVk70WzSCSh34",
} as const;

/** How the machine client proves who it is at /token. */
export type ClientAuthentication =
  | { method: "client_secret_basic"; clientSecret: string }
  /** RFC 7523 §2.2: an ES256 assertion signed with this private JWK. */
  | { method: "private_key_jwt"; privateKey: Record<string, unknown> };

export interface ClientCredentialsOptions {
  flow: "client-credentials";
  serverUrl: URL;
  /** The only authorization server the client's credentials are ever sent to. */
  issuer: string;
  clientId: string;
  authentication: ClientAuthentication;
  /** RFC 9449: a key pair for this run, and tokens bound to it. */
  dpop: boolean;
  ticker: string;
}

export type CliOptions = UserFlowOptions | ClientCredentialsOptions | { flow: "help" };

export class UsageError extends Error {}

export const USAGE = `Usage: npm run demo:client -- [options] [server-url]

Walks the three phases of MCP authorization against an MCP server and narrates every HTTP exchange.

Options:
  --server <url>          MCP server (default: $MCP_SERVER_URL, else $MCP_RESOURCE, else ${DEFAULT_SERVER_URL})
  --step-up               after the sentiment call, add to the watchlist: 403 insufficient_scope, consent again
  --no-browser            print the authorization URL instead of opening the browser
  --authorize <mode>      browser (default), print, or fetch (follow redirects without a person)
  --cimd-url <https url>  use this Client ID Metadata Document when the server supports them
  --state-file <path>     where registration and tokens are kept (default: data/demo-client.json)
  --reset                 forget the stored registration and tokens first
  --ticker <symbol>       company to ask about (default: ${DEFAULT_TICKER})
  --client-credentials    machine flow as the pre-registered client (secret from $DEMO_BATCH_CLIENT_SECRET)
  --private-key-jwt       with --client-credentials: authenticate with a signed assertion (RFC 7523) as
                          demo-batch-jwt (private JWK from $DEMO_BATCH_JWT_PRIVATE_KEY)
  --dpop                  with --client-credentials: a key pair for this run, tokens bound to it (RFC 9449)
  --client-id <id>        the machine client (default: demo-batch, or demo-batch-jwt)
  --issuer <url>          the authorization server the secret may go to (default: $ISSUER, else ${DEFAULT_ISSUER})
  -h, --help              this text`;

export function parseCli(argv: readonly string[], environment: NodeJS.ProcessEnv): CliOptions {
  let parsed: ReturnType<typeof parseWithNode>;
  try {
    parsed = parseWithNode(argv);
  } catch (error) {
    // parseArgs names the offending flag in its first sentence; the rest is advice about `--`.
    throw new UsageError((error as Error).message.split(". ")[0] ?? "invalid arguments");
  }
  const { values, positionals } = parsed;
  if (values.help) return { flow: "help" };
  if (positionals.length > 1) {
    throw new UsageError(`expected at most one server URL, got ${positionals.length} arguments`);
  }
  const serverUrl = parseServerUrl(
    values.server ??
      positionals[0] ??
      nonEmpty(environment.MCP_SERVER_URL) ??
      nonEmpty(environment.MCP_RESOURCE) ??
      DEFAULT_SERVER_URL,
  );
  if (values.server !== undefined && positionals[0] !== undefined) {
    throw new UsageError("give the server URL once: either --server or as an argument");
  }
  const ticker = parseTicker(values.ticker ?? DEFAULT_TICKER);

  if (values["client-credentials"]) {
    for (const flag of [
      "step-up",
      "no-browser",
      "authorize",
      "cimd-url",
      "reset",
      "state-file",
    ] as const) {
      if (values[flag] !== undefined && values[flag] !== false) {
        throw new UsageError(`--${flag} is for the user flow, not --client-credentials`);
      }
    }
    const privateKeyJwt = values["private-key-jwt"] ?? false;
    return {
      flow: "client-credentials",
      serverUrl,
      issuer: parseHttpUrl(
        values.issuer ?? nonEmpty(environment.ISSUER) ?? DEFAULT_ISSUER,
        "--issuer",
      ).href.replace(/\/$/, ""),
      clientId: values["client-id"] ?? (privateKeyJwt ? "demo-batch-jwt" : "demo-batch"),
      authentication: privateKeyJwt
        ? {
            method: "private_key_jwt",
            privateKey: parsePrivateJwk(environment.DEMO_BATCH_JWT_PRIVATE_KEY),
          }
        : {
            method: "client_secret_basic",
            clientSecret: nonEmpty(environment.DEMO_BATCH_CLIENT_SECRET) ?? "demo-batch-secret",
          },
      dpop: values.dpop ?? false,
      ticker,
    };
  }
  for (const flag of ["issuer", "client-id", "private-key-jwt", "dpop"] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} needs --client-credentials`);
  }
  if (values["no-browser"] && values.authorize !== undefined && values.authorize !== "print") {
    throw new UsageError(`--no-browser and --authorize=${values.authorize} disagree`);
  }
  return {
    flow: "user",
    serverUrl,
    stepUp: values["step-up"] ?? false,
    authorize: parseAuthorizeMode(values["no-browser"] ? "print" : (values.authorize ?? "browser")),
    ...(values["cimd-url"] === undefined ? {} : { cimdUrl: parseCimdUrl(values["cimd-url"]) }),
    stateFile: resolveStateFile(values["state-file"], environment),
    reset: values.reset ?? false,
    ticker,
  };
}

function parseWithNode(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      server: { type: "string" },
      "step-up": { type: "boolean" },
      "no-browser": { type: "boolean" },
      authorize: { type: "string" },
      "cimd-url": { type: "string" },
      "state-file": { type: "string" },
      reset: { type: "boolean" },
      ticker: { type: "string" },
      "client-credentials": { type: "boolean" },
      "client-id": { type: "string" },
      "private-key-jwt": { type: "boolean" },
      dpop: { type: "boolean" },
      issuer: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** An EC P-256 private JWK (ES256) from the environment, or the published development default. */
function parsePrivateJwk(value: string | undefined): Record<string, unknown> {
  const text = nonEmpty(value);
  if (text === undefined) return { ...DEVELOPMENT_JWT_CLIENT_PRIVATE_KEY };
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new UsageError("DEMO_BATCH_JWT_PRIVATE_KEY: not JSON (expected a private JWK)");
  }
  if (
    typeof jwk !== "object" ||
    jwk === null ||
    (jwk as { kty?: unknown }).kty !== "EC" ||
    (jwk as { crv?: unknown }).crv !== "P-256" ||
    typeof (jwk as { d?: unknown }).d !== "string"
  ) {
    throw new UsageError(
      "DEMO_BATCH_JWT_PRIVATE_KEY: expected an EC P-256 private JWK (for ES256)",
    );
  }
  return jwk as Record<string, unknown>;
}

function parseHttpUrl(value: string, what: string): URL {
  if (!URL.canParse(value)) throw new UsageError(`${what}: "${value}" is not a URL`);
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${what}: "${value}" is not an http(s) URL`);
  }
  if (url.username || url.password) throw new UsageError(`${what}: no credentials in the URL`);
  return url;
}

function parseServerUrl(value: string): URL {
  const url = parseHttpUrl(value, "server URL");
  if (url.hash) throw new UsageError(`server URL: "${value}" has a fragment`);
  return url;
}

/** CIMD draft §3: the client_id is an https URL with a path, so it can name one document. */
function parseCimdUrl(value: string): string {
  const url = parseHttpUrl(value, "--cimd-url");
  if (url.protocol !== "https:" || url.pathname === "/") {
    throw new UsageError(`--cimd-url: "${value}" must be an https URL with a path`);
  }
  return value;
}

function parseAuthorizeMode(value: string): AuthorizeMode {
  if (value === "browser" || value === "print" || value === "fetch") return value;
  throw new UsageError(`--authorize: "${value}" is not one of browser, print, fetch`);
}

function parseTicker(value: string): string {
  const ticker = value.trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9.]{0,9}$/.test(ticker)) {
    throw new UsageError(`--ticker: "${value}" is not a ticker symbol`);
  }
  return ticker;
}

/** A relative path means relative to where the person typed the command, not to this workspace. */
function resolveStateFile(value: string | undefined, environment: NodeJS.ProcessEnv): string {
  if (value === undefined) return DEFAULT_STATE_FILE;
  if (value.trim() === "") throw new UsageError("--state-file: empty path");
  if (isAbsolute(value)) return value;
  return resolve(environment.INIT_CWD ?? process.cwd(), value);
}
