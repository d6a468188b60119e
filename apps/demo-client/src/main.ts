// Entry point of `npm run demo:client`: parse the command line, run one flow, exit 0 or 1 with a one-line error.
import { parseCli, USAGE } from "./cli";
import { describeError } from "./errors";
import { runClientCredentialsFlow } from "./flows/client-credentials";
import { runUserFlow } from "./flows/user";
import { Trace, wantsColour } from "./trace";

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2), process.env);
  if (options.flow === "help") {
    console.log(USAGE);
    return;
  }
  const trace = new Trace((line) => process.stdout.write(`${line}\n`), {
    colour: wantsColour(process.stdout, process.env),
  });
  if (options.flow === "client-credentials") await runClientCredentialsFlow(options, trace);
  else await runUserFlow(options, trace);
}

main().then(
  // The SDK may leave an idle keep-alive socket behind; the run is over.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`demo-client: ${describeError(error)}\n`);
    if (process.env.DEMO_CLIENT_DEBUG) console.error(error);
    process.exit(1);
  },
);
