// HTTP requests from a chosen loopback address. Linux answers on all of 127.0.0.0/8, so a test can
// be several clients at once (127.0.0.2, 127.0.0.3, …) and the proxy sees each one's own address,
// exactly as it sees different machines: what a per-address limit behind a proxy must tell apart.
// node:http is used directly because fetch has no portable way to choose the source address.
import { request } from "node:http";

export interface LoopbackResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function sendFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<LoopbackResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: init.method ?? "GET",
        headers: init.headers,
        localAddress,
        // A connection of its own per request: nothing pooled carries one client's address to another.
        agent: false,
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => {
          body += chunk;
        });
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(init.body);
  });
}
