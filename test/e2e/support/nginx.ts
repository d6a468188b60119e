// The cluster's reverse proxy for tests: Debian's nginx, run as a child process with the very template
// deployments use (deploy/nginx/templates/cluster.conf.template), in a temporary directory of its own.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const NGINX_TEMPLATE = fileURLToPath(
  new URL("../../../deploy/nginx/templates/cluster.conf.template", import.meta.url),
);

export const NGINX_PATH = process.env.NGINX_PATH ?? "/usr/sbin/nginx";

/**
 * The template with each `${NAME}` replaced, as the nginx image's envsubst does for the variables it
 * is given. A placeholder left unfilled is an error here, where envsubst would leave it in place and
 * nginx would refuse the file with a less helpful message.
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  const rendered = template.replace(/\$\{([A-Z0-9_]+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${placeholder} in the nginx template`);
    return value;
  });
  return rendered;
}

/** The placeholders a template expects, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((match) => match[1] ?? ""))];
}

export interface Nginx {
  child: ChildProcess;
  /** The error log so far: upstream failures and failovers are logged there. */
  errorLog(): string;
  close(): Promise<void>;
}

/**
 * Writes the main configuration (pid, logs and temporary files inside `directory`, so it needs no
 * system paths) around the rendered template, checks it with `nginx -t`, and starts nginx in the
 * foreground. Resolves once every `ports` entry accepts connections.
 */
export async function startNginx(
  directory: string,
  values: Record<string, string>,
  ports: number[],
): Promise<Nginx> {
  if (!existsSync(NGINX_PATH)) {
    throw new Error(
      `nginx is not installed at ${NGINX_PATH} (Debian: apt-get install nginx-light)`,
    );
  }
  mkdirSync(join(directory, "temp"), { recursive: true });
  const body = renderTemplate(readFileSync(NGINX_TEMPLATE, "utf8"), values);
  writeFileSync(join(directory, "cluster.conf"), body);
  const errorLog = join(directory, "error.log");
  const temp = (name: string) => join(directory, "temp", name);
  writeFileSync(
    join(directory, "nginx.conf"),
    [
      "worker_processes 1;",
      `pid ${join(directory, "nginx.pid")};`,
      `error_log ${errorLog} warn;`,
      "events { worker_connections 1024; }",
      "http {",
      "  access_log off;",
      `  client_body_temp_path ${temp("body")};`,
      `  proxy_temp_path ${temp("proxy")};`,
      `  fastcgi_temp_path ${temp("fastcgi")};`,
      `  uwsgi_temp_path ${temp("uwsgi")};`,
      `  scgi_temp_path ${temp("scgi")};`,
      `  include ${join(directory, "cluster.conf")};`,
      "}",
      "",
    ].join("\n"),
  );
  // -e: the error log before the configuration is read, which would otherwise be /var/log/nginx.
  const args = ["-e", errorLog, "-p", directory, "-c", join(directory, "nginx.conf")];
  execFileSync(NGINX_PATH, [...args, "-t", "-q"], { stdio: "pipe" });
  const child = spawn(NGINX_PATH, [...args, "-g", "daemon off;"], { stdio: "ignore" });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  const readLog = () => (existsSync(errorLog) ? readFileSync(errorLog, "utf8") : "");
  const nginx: Nginx = {
    child,
    errorLog: readLog,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      // SIGTERM is nginx's fast stop: the servers behind it are stopping too, nothing is worth waiting for.
      child.kill("SIGTERM");
      await exited;
    },
  };
  try {
    await waitForPorts(ports, child, readLog);
  } catch (error) {
    await nginx.close();
    throw error;
  }
  return nginx;
}

async function waitForPorts(ports: number[], child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`nginx exited with ${child.exitCode}:\n${log()}`);
      if (await accepts(port)) break;
      if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}:\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once("error", () => resolve(false));
    socket.connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(true);
    });
  });
}
