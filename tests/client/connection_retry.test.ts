import assert from "node:assert/strict";
import { test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { Connection, RPCCode, RPCError } from "../../client/mod.ts";
import { isRetryableCode, resolveRetryOptions, retryDelay } from "../../client/retry.ts";
import { startFakeServer, systemInfo } from "./connection_fake_server.ts";

const FAST_RETRY = { initialInterval: 10, maxInterval: 50, jitter: 0 };

test("UNAVAILABLE twice then success is retried and succeeds", async () => {
  const server = await startFakeServer((_ctx, call) => {
    if (call <= 2) throw new ConnectError("server warming up", Code.Unavailable);
    return systemInfo();
  });
  try {
    await using connection = await Connection.connect({ address: server.address, retry: FAST_RETRY });
    assert.equal(connection.systemInfo?.serverVersion, "fake-1.0");
    assert.equal(server.calls.length, 3);
  } finally {
    await server.close();
  }
});

test("INVALID_ARGUMENT is not retried and surfaces as RPCError", async () => {
  const server = await startFakeServer(() => {
    throw new ConnectError("namespace is required", Code.InvalidArgument);
  });
  try {
    await using connection = await Connection.connect({
      address: server.address,
      lazy: true,
      retry: FAST_RETRY,
    });
    const error = await connection.workflowService.getSystemInfo({}).then(
      () => assert.fail("expected the call to fail"),
      (err: unknown) => err,
    );
    assert.ok(error instanceof RPCError);
    assert.equal(error.code, RPCCode.INVALID_ARGUMENT);
    assert.equal(error.codeName, "INVALID_ARGUMENT");
    assert.equal(error.message, "namespace is required");
    assert.equal(server.calls.length, 1);
  } finally {
    await server.close();
  }
});

test("retries stop after maxAttempts, and retry: false makes a single attempt", async () => {
  const server = await startFakeServer(() => {
    throw new ConnectError("still down", Code.Unavailable);
  });
  try {
    await using connection = await Connection.connect({
      address: server.address,
      lazy: true,
      retry: { ...FAST_RETRY, maxAttempts: 3 },
    });
    await assert.rejects(connection.workflowService.getSystemInfo({}), (err: unknown) => {
      return err instanceof RPCError && err.code === RPCCode.UNAVAILABLE &&
        err.message.includes("still down");
    });
    assert.equal(server.calls.length, 3);
    await assert.rejects(connection.workflowService.getSystemInfo({}, { retry: false }), RPCError);
    assert.equal(server.calls.length, 4);
    await assert.rejects(
      connection.workflowService.getSystemInfo({}, { retry: { maxAttempts: 2 } }),
      RPCError,
    );
    assert.equal(server.calls.length, 6);
  } finally {
    await server.close();
  }
});

test("an AbortSignal cancels a call promptly with CANCELLED", async () => {
  let release: () => void = () => {};
  const server = await startFakeServer(async (ctx) => {
    // Hold the call until the client gives up (the server sees the stream reset).
    await new Promise<void>((resolve) => {
      release = resolve;
      ctx.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    return systemInfo();
  });
  try {
    await using connection = await Connection.connect({ address: server.address, lazy: true });
    const controller = new AbortController();
    const started = Date.now();
    const call = connection.workflowService.getSystemInfo({}, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user gave up")), 100);
    await assert.rejects(call, (err: unknown) => {
      return err instanceof RPCError && err.code === RPCCode.CANCELLED && err.message.includes("cancelled");
    });
    assert.ok(Date.now() - started < 2_000, `cancel took ${Date.now() - started} ms`);
  } finally {
    release();
    await server.close();
  }
});

test("an AbortSignal also cancels the wait between retries", async () => {
  const server = await startFakeServer(() => {
    throw new ConnectError("down", Code.Unavailable);
  });
  try {
    await using connection = await Connection.connect({
      address: server.address,
      lazy: true,
      retry: { initialInterval: 30_000, maxInterval: 30_000, jitter: 0 },
    });
    const started = Date.now();
    await assert.rejects(
      connection.workflowService.getSystemInfo({}, { signal: AbortSignal.timeout(200), timeoutMs: 60_000 }),
      (err: unknown) => err instanceof RPCError && err.code === RPCCode.CANCELLED,
    );
    assert.ok(Date.now() - started < 5_000, `cancel took ${Date.now() - started} ms`);
    assert.equal(server.calls.length, 1);
  } finally {
    await server.close();
  }
});

test("a per-call deadline fails the call with DEADLINE_EXCEEDED in time", async () => {
  let release: () => void = () => {};
  const server = await startFakeServer(async (ctx) => {
    await new Promise<void>((resolve) => {
      release = resolve;
      ctx.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    return systemInfo();
  });
  try {
    await using connection = await Connection.connect({ address: server.address, lazy: true });
    for (
      const makeOptions of [() => ({ timeoutMs: 300 }), () => ({ deadline: new Date(Date.now() + 300) })]
    ) {
      const started = Date.now();
      await assert.rejects(connection.workflowService.getSystemInfo({}, makeOptions()), (err: unknown) => {
        return err instanceof RPCError && err.code === RPCCode.DEADLINE_EXCEEDED &&
          /300 ms|29\d ms/.test(err.message);
      });
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 3_000, `deadline took ${elapsed} ms`);
    }
    // The server saw the deadline as a grpc-timeout header.
    assert.match(server.calls.at(-1)?.get("grpc-timeout") ?? "", /^\d+m$/);
  } finally {
    release();
    await server.close();
  }
});

test("calls on a closed connection fail at once with CANCELLED", async () => {
  const server = await startFakeServer();
  try {
    const connection = await Connection.connect({ address: server.address });
    await connection.close();
    assert.equal(connection.closed, true);
    await assert.rejects(
      connection.workflowService.getSystemInfo({}),
      (err: unknown) =>
        err instanceof RPCError && err.code === RPCCode.CANCELLED && err.message.includes("closed"),
    );
  } finally {
    await server.close();
  }
});

test("retryable codes follow sdk-core: UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNKNOWN, DATA_LOSS, OUT_OF_RANGE", () => {
  const retryable = Object.entries(RPCCode).filter(([, code]) => isRetryableCode(code)).map(([name]) => name);
  assert.deepEqual(retryable.sort(), [
    "ABORTED",
    "DATA_LOSS",
    "INTERNAL",
    "OUT_OF_RANGE",
    "RESOURCE_EXHAUSTED",
    "UNAVAILABLE",
    "UNKNOWN",
  ]);
});

test("backoff grows by the multiplier up to maxInterval, with bounded jitter, longer for RESOURCE_EXHAUSTED", () => {
  const policy = resolveRetryOptions({ initialInterval: 100, maxInterval: "1s", multiplier: 2, jitter: 0 });
  const delays = [1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(attempt, policy, RPCCode.UNAVAILABLE));
  assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
  assert.equal(retryDelay(1, policy, RPCCode.RESOURCE_EXHAUSTED), 1000);
  assert.equal(retryDelay(3, policy, RPCCode.RESOURCE_EXHAUSTED), 4000);
  const jittered = resolveRetryOptions({ initialInterval: 100, jitter: 0.2 });
  assert.equal(retryDelay(1, jittered, RPCCode.UNAVAILABLE, () => 0), 80);
  assert.equal(retryDelay(1, jittered, RPCCode.UNAVAILABLE, () => 0.999999), 119.99996);
});

test("invalid retry options are rejected with the value quoted", () => {
  assert.throws(() => resolveRetryOptions({ multiplier: 0.5 }), /multiplier '0.5'/);
  assert.throws(() => resolveRetryOptions({ maxAttempts: 0 }), /maxAttempts '0'/);
  assert.throws(() => resolveRetryOptions({ jitter: 2 }), /jitter '2'/);
  assert.throws(() => resolveRetryOptions({ initialInterval: "10s", maxInterval: "1s" }), /maxInterval '1s'/);
  assert.throws(() => resolveRetryOptions({ initialInterval: "soon" }), /'soon'/);
});

test("long polls get a 70 s deadline, longer than the server's 60 s poll, whatever rpcTimeout says", async () => {
  const server = await startFakeServer();
  try {
    await using connection = await Connection.connect({ address: server.address, rpcTimeout: "5s" });
    const timeoutMs = (headers: Headers | undefined) => {
      const match = /^(\d+)m$/.exec(headers?.get("grpc-timeout") ?? "");
      assert.ok(match, `grpc-timeout in ms expected, got '${headers?.get("grpc-timeout")}'`);
      return Number(match[1]);
    };
    await connection.workflowService.getSystemInfo({});
    const ordinary = timeoutMs(server.calls.at(-1));
    assert.ok(ordinary > 4_000 && ordinary <= 5_000, `ordinary call sent ${ordinary} ms`);
    await connection.workflowService.pollWorkflowTaskQueue({
      namespace: "default",
      taskQueue: { name: "tq" },
    });
    const poll = timeoutMs(server.calls.at(-1));
    assert.ok(poll > 65_000 && poll <= 70_000, `long poll sent ${poll} ms`);
    await connection.workflowService.pollWorkflowTaskQueue({}, { timeoutMs: 2_000 });
    assert.ok(timeoutMs(server.calls.at(-1)) <= 2_000, "a per-call timeout still wins");
  } finally {
    await server.close();
  }
});

test("a server's own error message is kept, even when it mentions a socket error", async () => {
  const serverMessage = "history unavailable: dial tcp 10.0.0.5:7234: connect ECONNREFUSED";
  const server = await startFakeServer(() => {
    throw new ConnectError(serverMessage, Code.Unavailable);
  });
  try {
    await using connection = await Connection.connect({ address: server.address, lazy: true });
    await assert.rejects(
      connection.workflowService.getSystemInfo({}, { retry: false }),
      (err: unknown) =>
        err instanceof RPCError && err.code === RPCCode.UNAVAILABLE && err.message === serverMessage,
    );
  } finally {
    await server.close();
  }
});

test("a deadline already past fails at once without calling the server", async () => {
  const server = await startFakeServer();
  try {
    await using connection = await Connection.connect({ address: server.address, lazy: true });
    await assert.rejects(
      connection.workflowService.getSystemInfo({}, { deadline: Date.now() - 1 }),
      (err: unknown) =>
        err instanceof RPCError && err.code === RPCCode.DEADLINE_EXCEEDED &&
        err.message.includes("already passed"),
    );
    assert.equal(server.calls.length, 0);
  } finally {
    await server.close();
  }
});
