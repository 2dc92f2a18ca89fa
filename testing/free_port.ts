import { createServer } from "node:net";

/**
 * Asks the operating system for a TCP port that is free on `host`, by listening on port 0 and
 * closing the listener. Another process could take the port before you bind it, so use it soon.
 *
 * @param host Interface to check (default `127.0.0.1`).
 * @returns A port number.
 *
 * @example Pick a port for a server
 * ```ts
 * import { findFreePort } from "sandglass/testing";
 *
 * const port = await findFreePort();
 * console.log(`127.0.0.1:${port}`);
 * ```
 */
export function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : undefined;
      server.close(() => {
        if (port) resolve(port);
        else reject(new Error(`Cannot read the port of a listener on '${host}'`));
      });
    });
  });
}
