/**
 * Internal: sends an activity's heartbeats to the server, throttled, one call at a time, keeping
 * the latest details; learns about cancellation, pause and reset from the responses.
 *
 * @module
 */

import { RPCCode } from "../../client/rpc_code.ts";
import { RPCError } from "../../client/rpc_error.ts";
import type { ServiceClient } from "../../client/service_client.ts";
import type { DataConverter } from "../../common/data_converter.ts";
import type { Payload } from "../../common/failure_proto.ts";
import type { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import { encode, toPayloadsSync } from "./_payloads.ts";
import { ActivityCancellationReason } from "./activity_context.ts";

/** The throttle when the activity has no heartbeat timeout (as sdk-core). */
export const DEFAULT_HEARTBEAT_THROTTLE_MS = 30_000;
/** The throttle never exceeds this (as sdk-core). */
export const MAX_HEARTBEAT_THROTTLE_MS = 60_000;

/** The interval between heartbeat calls: 80 % of the heartbeat timeout, else 30 s; at most 60 s. */
export function heartbeatThrottleMs(heartbeatTimeoutMs: number | undefined): number {
  if (heartbeatTimeoutMs === undefined || heartbeatTimeoutMs <= 0) return DEFAULT_HEARTBEAT_THROTTLE_MS;
  return Math.min(heartbeatTimeoutMs * 0.8, MAX_HEARTBEAT_THROTTLE_MS);
}

/** Options of {@linkcode Heartbeater}. */
export interface HeartbeaterOptions {
  readonly service: ServiceClient<typeof WorkflowService>;
  readonly namespace: string;
  readonly identity: string;
  readonly taskToken: Uint8Array;
  readonly throttleMs: number;
  readonly dataConverter: DataConverter;
  /** The server says the activity should stop. */
  readonly onCancel: (reason: ActivityCancellationReason) => void;
  /** A heartbeat call failed for another reason (it is not retried; the next heartbeat is sent). */
  readonly onError: (error: unknown) => void;
}

/** Throttled heartbeats of one activity attempt. */
export class Heartbeater {
  readonly #options: HeartbeaterOptions;
  #lastPayloads: Payload[] | undefined;
  #pending: Payload[] | undefined;
  #inFlight: Promise<void> | undefined;
  #nextAllowedAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(options: HeartbeaterOptions) {
    this.#options = options;
  }

  /** The converted (not yet encoded) details of the latest heartbeat, sent or not. */
  get lastPayloads(): Payload[] | undefined {
    return this.#lastPayloads;
  }

  /**
   * Records a heartbeat: converted now (so a bad value throws to the caller), sent now if the
   * throttle allows, else when it does (only the latest details are sent).
   */
  record(details: readonly unknown[]): void {
    const payloads = toPayloadsSync(this.#options.dataConverter, details);
    if (this.#stopped) return;
    this.#lastPayloads = payloads;
    this.#pending = payloads;
    this.#schedule();
  }

  /** Sends a pending heartbeat now (ignoring the throttle) and waits for the calls in flight. */
  async flush(): Promise<void> {
    this.#clearTimer();
    while (this.#inFlight !== undefined || this.#pending !== undefined) {
      if (this.#inFlight !== undefined) await this.#inFlight;
      else this.#send();
    }
  }

  /** Stops sending; a call in flight finishes on its own. */
  stop(): void {
    this.#stopped = true;
    this.#pending = undefined;
    this.#clearTimer();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (
      this.#stopped || this.#pending === undefined || this.#inFlight !== undefined ||
      this.#timer !== undefined
    ) {
      return;
    }
    const wait = this.#nextAllowedAt - Date.now();
    if (wait <= 0) {
      this.#send();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#schedule();
    }, wait);
  }

  #send(): void {
    const payloads = this.#pending ?? [];
    this.#pending = undefined;
    this.#nextAllowedAt = Date.now() + this.#options.throttleMs;
    const { service, namespace, identity, taskToken, dataConverter, onCancel, onError } = this.#options;
    this.#inFlight = (async () => {
      try {
        const details = await encode(dataConverter, payloads);
        const response = await service.recordActivityTaskHeartbeat({
          namespace,
          taskToken,
          identity,
          details: { payloads: details },
        });
        if (response.cancelRequested) onCancel(ActivityCancellationReason.CANCELLED);
        else if (response.activityPaused) onCancel(ActivityCancellationReason.PAUSED);
        else if (response.activityReset) onCancel(ActivityCancellationReason.RESET);
      } catch (error) {
        if (error instanceof RPCError && error.code === RPCCode.NOT_FOUND) {
          onCancel(ActivityCancellationReason.NOT_FOUND);
        } else {
          onError(error);
        }
      } finally {
        this.#inFlight = undefined;
        this.#schedule();
      }
    })();
  }
}
