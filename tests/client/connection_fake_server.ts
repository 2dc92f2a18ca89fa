/**
 * A local gRPC server (Connect-RPC over node:http2) implementing only
 * `WorkflowService.GetSystemInfo` (and an always-empty `PollWorkflowTaskQueue` to observe the
 * deadline a long poll is sent with), for the tests that must see what goes over the wire:
 * headers, TLS, retries, cancellation and deadlines. It is never a stand-in for a Temporal server.
 */
import { createSecureServer, createServer } from "node:http2";
import type { Http2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  GetSystemInfoResponseSchema,
  PollWorkflowTaskQueueResponseSchema,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { GetSystemInfoResponse } from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";

/** What the handler of `GetSystemInfo` does for one call; throw a ConnectError to fail it. */
export type GetSystemInfoHandler = (
  context: HandlerContext,
  call: number,
) => GetSystemInfoResponse | Promise<GetSystemInfoResponse>;

/** A running fake server. */
export interface FakeServer {
  /** `127.0.0.1:<port>`. */
  address: string;
  /** Request headers of every call received (both methods), in order. */
  calls: Headers[];
  /** Common names of the client certificates presented (mutual TLS), in order of connection. */
  clientCertNames: string[];
  /** Stops the server and drops its connections. */
  close(): Promise<void>;
}

/** A successful `GetSystemInfo` answer. */
export function systemInfo(): GetSystemInfoResponse {
  return create(GetSystemInfoResponseSchema, { serverVersion: "fake-1.0" });
}

/** TLS for the fake server: its certificate and key, and a CA to require client certificates. */
export interface FakeServerTLS {
  cert: string;
  key: string;
  /** If set, clients must present a certificate signed by this CA. */
  clientCA?: string;
}

/** Starts a fake server on a free port of 127.0.0.1, over TLS if `tls` is given. */
export async function startFakeServer(
  handler: GetSystemInfoHandler = () => systemInfo(),
  tls?: FakeServerTLS,
): Promise<FakeServer> {
  const calls: Headers[] = [];
  const clientCertNames: string[] = [];
  const sessions = new Set<Http2Session>();
  const adapter = connectNodeAdapter({
    routes(router) {
      router.service(WorkflowService, {
        getSystemInfo(_request, context) {
          calls.push(new Headers(context.requestHeader));
          return handler(context, calls.length);
        },
        pollWorkflowTaskQueue(_request, context) {
          calls.push(new Headers(context.requestHeader));
          return create(PollWorkflowTaskQueueResponseSchema, {});
        },
      });
    },
  });
  const server = tls === undefined ? createServer(adapter) : createSecureServer(
    {
      cert: tls.cert,
      key: tls.key,
      ...(tls.clientCA === undefined
        ? {}
        : { ca: tls.clientCA, requestCert: true, rejectUnauthorized: true }),
    },
    adapter,
  );
  server.on("session", (session: Http2Session) => {
    if (tls?.clientCA !== undefined) {
      const peer = (session.socket as TLSSocket).getPeerCertificate();
      clientCertNames.push(String(peer.subject?.CN ?? ""));
    }
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    calls,
    clientCertNames,
    close() {
      for (const session of sessions) session.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
