// A free TCP port on loopback, for a child process (a test's or a benchmark's server) that must be
// told its port before it starts; a server in this process binds port 0 instead.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * The kernel hands out port-0 binds from its ephemeral range, and the other workspaces' tests bind
 * port 0 all the time while this suite runs. A port probed free from that range could be taken
 * again before `next start` binds it (seen in CI: EADDRINUSE). Ports below the range are never
 * handed out that way, so one found free there stays free unless someone asks for it by number.
 */
function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/);
    const start = Number(low);
    if (Number.isInteger(start) && start > 2048) return start;
  } catch {
    // Not Linux: fall through to the IANA dynamic range's start.
  }
  return 49152;
}

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export async function freeLoopbackPort(): Promise<number> {
  const ceiling = ephemeralRangeStart();
  const floor = Math.max(1024, ceiling - 10_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = floor + Math.floor(Math.random() * (ceiling - floor));
    if (await isFree(port)) return port;
  }
  throw new Error(`no free loopback port between ${floor} and ${ceiling}`);
}
