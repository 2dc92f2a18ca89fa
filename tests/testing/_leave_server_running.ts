// Starts a server and never stops it, to prove testing/ kills it when this process ends.
// Usage: <runtime> _leave_server_running.ts <dev|test> <exit|signal>
// Prints `{"pid": <server pid>, "logFile": <its log>}` once the server is ready. With `exit` it then returns when its
// stdin closes, leaving nothing to do so that the process ends normally; with `signal` it stays
// alive until SIGTERM.
import process from "node:process";
import { startDevServer, startTestServer } from "../../testing/mod.ts";

const [kind, ending] = process.argv.slice(-2);
const server = kind === "test" ? await startTestServer() : await startDevServer();
process.stdout.write(`${JSON.stringify({ pid: server.pid, logFile: server.logFile })}\n`);
if (ending === "signal") {
  setInterval(() => {}, 1_000);
} else {
  process.stdin.resume();
  process.stdin.once("end", () => process.stdin.pause());
}
