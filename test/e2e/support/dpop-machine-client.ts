// The MCP SDK v2 machine client proving its own key (RFC 9449) at the token endpoint and at every MCP
// request, and what its token must then say.
import { ClientCredentialsProvider, type DpopSession } from "@modelcontextprotocol/client";
import { expect } from "vitest";

export class DpopClientCredentialsProvider extends ClientCredentialsProvider {
  constructor(
    readonly session: DpopSession,
    options: ConstructorParameters<typeof ClientCredentialsProvider>[0],
  ) {
    super(options);
  }
  dpop() {
    return this.session;
  }
}

/** RFC 9449 §5, §6.1: the provider's token is a DPoP token that names the provider's key. */
export async function expectBoundToItsKey(provider: DpopClientCredentialsProvider): Promise<void> {
  const tokens = await provider.tokens();
  expect(tokens?.token_type).toBe("DPoP");
  const [, payload = ""] = (tokens?.access_token ?? "").split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  expect(claims.cnf).toEqual({ jkt: provider.session.thumbprint });
}
