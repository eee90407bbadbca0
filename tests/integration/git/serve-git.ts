// Runs a git smart-HTTP server as its own process, so a test can start it inside a network
// namespace: `ip netns exec <ns> tsx tests/integration/git/serve-git.ts <root> <host> <port>`.
// Prints "listening <port>" once ready and "request <METHOD path>" for each request.
import { startGitHttpServer } from "../../support/git-http-server";

async function main(): Promise<void> {
  const [root, host, port] = process.argv.slice(2);
  if (!root || !host || !port) throw new Error("usage: serve-git.ts <root> <host> <port>");
  const server = await startGitHttpServer({ root, host, port: Number(port), onRequest: (line) => console.log(`request ${line}`) });
  process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
  console.log(`listening ${server.port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
