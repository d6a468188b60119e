// RFC 9449 with DPOP_REQUIRED: the MCP server takes DPoP-bound tokens only, and says so in its
// metadata and challenges. (The proof checks themselves are tested in @repo/tokens; the whole flow
// with DPoP-bound tokens from a real authorization server runs in test/e2e.)
import { describe, expect, it } from "vitest";
import { json, postMcp, toolCall } from "./support/json-rpc";
import { clientCredentialsToken, useTestStack } from "./support/test-stack";

const stack = useTestStack({ DPOP_REQUIRED: "true" });

describe("DPOP_REQUIRED=true", () => {
  it("says so in the protected resource metadata (RFC 9728 §2)", async () => {
    const metadata = await json(
      await fetch(stack.mcp.url("/.well-known/oauth-protected-resource/mcp")),
    );
    expect(metadata.dpop_bound_access_tokens_required).toBe(true);
    expect(metadata.dpop_signing_alg_values_supported).toEqual(["ES256", "RS256", "PS256"]);
  });

  it("names the DPoP scheme and its algorithms in the 401 challenge", async () => {
    const challenge = await postMcp(stack.mcp.resource, toolCall("whoami"));
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get("www-authenticate")).toMatch(
      /^Bearer resource_metadata="[^"]+", scope="[^"]+", DPoP algs="ES256 RS256 PS256"$/,
    );
  });

  it("refuses a valid bearer token that is not DPoP-bound (a token anyone holding it could use)", async () => {
    const token = await clientCredentialsToken(stack);
    const refused = await postMcp(stack.mcp.resource, toolCall("whoami"), { token });
    expect(refused.status).toBe(401);
    expect(await json(refused)).toEqual({
      error: "invalid_token",
      error_description: "this resource accepts DPoP-bound access tokens only",
    });
  });
});
