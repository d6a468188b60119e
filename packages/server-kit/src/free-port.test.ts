import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freeLoopbackPort } from "./free-port";

describe("freeLoopbackPort", () => {
  it("finds a bindable port below the kernel's ephemeral range, where port-0 binds never land", async () => {
    const range = "/proc/sys/net/ipv4/ip_local_port_range";
    // Linux publishes its range; elsewhere the helper falls back to the IANA dynamic range's start.
    const low = existsSync(range)
      ? Number(readFileSync(range, "utf8").trim().split(/\s+/)[0])
      : 49152;
    const port = await freeLoopbackPort();
    expect(port).toBeLessThan(low);
    expect(port).toBeGreaterThanOrEqual(1024);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
