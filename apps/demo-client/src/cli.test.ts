import { describe, expect, it } from "vitest";
import {
  DEFAULT_SERVER_URL,
  DEFAULT_STATE_FILE,
  DEVELOPMENT_JWT_CLIENT_PRIVATE_KEY,
  parseCli,
  UsageError,
} from "./cli";

describe("parseCli", () => {
  it("runs the user flow against the demo's MCP server by default", () => {
    expect(parseCli([], {})).toEqual({
      flow: "user",
      serverUrl: new URL(DEFAULT_SERVER_URL),
      stepUp: false,
      authorize: "browser",
      stateFile: DEFAULT_STATE_FILE,
      reset: false,
      ticker: "QTXA",
    });
    expect(DEFAULT_STATE_FILE).toMatch(/\/data\/demo-client\.json$/);
  });

  it("takes the server from --server, else the argument, else MCP_SERVER_URL, else MCP_RESOURCE", () => {
    const env = { MCP_SERVER_URL: "http://a.test/mcp", MCP_RESOURCE: "http://b.test/mcp" };
    const server = (argv: string[], environment: NodeJS.ProcessEnv) => {
      const options = parseCli(argv, environment);
      return options.flow === "help" ? undefined : options.serverUrl.href;
    };
    expect(server(["--server", "http://c.test/mcp"], env)).toBe("http://c.test/mcp");
    expect(server(["http://d.test/mcp"], env)).toBe("http://d.test/mcp");
    expect(server([], env)).toBe("http://a.test/mcp");
    expect(server([], { MCP_RESOURCE: "http://b.test/mcp" })).toBe("http://b.test/mcp");
  });

  it("--no-browser prints the URL; --authorize=fetch follows redirects without a person", () => {
    expect(parseCli(["--no-browser"], {})).toMatchObject({ authorize: "print" });
    expect(parseCli(["--authorize=fetch"], {})).toMatchObject({ authorize: "fetch" });
  });

  it("resolves a relative --state-file against the directory the command was typed in", () => {
    expect(parseCli(["--state-file", "x.json"], { INIT_CWD: "/home/me" })).toMatchObject({
      stateFile: "/home/me/x.json",
    });
  });

  it("machine flow: demo-batch with the secret from the environment, bound to ISSUER", () => {
    expect(
      parseCli(["--client-credentials"], {
        DEMO_BATCH_CLIENT_SECRET: "from-env",
        ISSUER: "http://auth.test:4000",
      }),
    ).toEqual({
      flow: "client-credentials",
      serverUrl: new URL(DEFAULT_SERVER_URL),
      issuer: "http://auth.test:4000",
      clientId: "demo-batch",
      authentication: { method: "client_secret_basic", clientSecret: "from-env" },
      dpop: false,
      ticker: "QTXA",
    });
    expect(parseCli(["--client-credentials"], {})).toMatchObject({
      issuer: "http://localhost:4000",
      authentication: { clientSecret: "demo-batch-secret" },
    });
  });

  it("machine flow with --private-key-jwt: demo-batch-jwt and its published development key", () => {
    expect(parseCli(["--client-credentials", "--private-key-jwt", "--dpop"], {})).toMatchObject({
      clientId: "demo-batch-jwt",
      authentication: { method: "private_key_jwt", privateKey: DEVELOPMENT_JWT_CLIENT_PRIVATE_KEY },
      dpop: true,
    });
    const own = { kty: "EC", crv: "P-256", x: "x", y: "y", d: "d" };
    expect(
      parseCli(["--client-credentials", "--private-key-jwt"], {
        DEMO_BATCH_JWT_PRIVATE_KEY: JSON.stringify(own),
      }),
    ).toMatchObject({ authentication: { privateKey: own } });
  });

  it.each([
    [["--server", "not a url"], 'server URL: "not a url" is not a URL'],
    [["--server", "ftp://x.test/mcp"], "is not an http(s) URL"],
    [["--server", "http://user:pw@x.test/mcp"], "no credentials in the URL"],
    [["--cimd-url", "http://x.test/client.json"], "must be an https URL with a path"],
    [["--cimd-url", "https://x.test/"], "must be an https URL with a path"],
    [["--authorize", "carrier-pigeon"], "is not one of browser, print, fetch"],
    [["--no-browser", "--authorize=fetch"], "disagree"],
    [["--client-credentials", "--step-up"], "--step-up is for the user flow"],
    [["--issuer", "http://x.test"], "--issuer needs --client-credentials"],
    [["--dpop"], "--dpop needs --client-credentials"],
    [["--private-key-jwt"], "--private-key-jwt needs --client-credentials"],
    [["--ticker", "<script>"], "is not a ticker symbol"],
    [["--frobnicate"], "Unknown option '--frobnicate'"],
    [["http://a.test/mcp", "http://b.test/mcp"], "at most one server URL"],
  ])("refuses %j with a one-line usage error", (argv, message) => {
    expect(() => parseCli(argv, {})).toThrow(UsageError);
    expect(() => parseCli(argv, {})).toThrow(message);
  });

  it("refuses a DEMO_BATCH_JWT_PRIVATE_KEY that is not a P-256 private JWK", () => {
    for (const value of ["not json", JSON.stringify({ kty: "EC", crv: "P-256", x: "x", y: "y" })]) {
      expect(() =>
        parseCli(["--client-credentials", "--private-key-jwt"], {
          DEMO_BATCH_JWT_PRIVATE_KEY: value,
        }),
      ).toThrow(/^DEMO_BATCH_JWT_PRIVATE_KEY: /);
    }
  });

  it("shows help", () => {
    expect(parseCli(["--help"], {})).toEqual({ flow: "help" });
  });
});
