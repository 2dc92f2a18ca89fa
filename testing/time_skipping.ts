/**
 * The time controls of the time-skipping test server (its TestService): the lock that stops the
 * server's clock from jumping ahead, sleeping in server time, the server's current time, and the
 * client interceptor that unlocks the clock while a client waits for a workflow result.
 *
 * @module
 */

import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ClientInterceptor } from "../client/interceptors.ts";
import type { ServiceClient } from "../client/service_client.ts";
import { type Duration, durationToProto } from "../common/duration.ts";
import type { TestService } from "../gen/temporal/api/testservice/v1/service_pb.ts";

/**
 * The time of one time-skipping test server, seen through its TestService.
 *
 * The server keeps a lock counter: while it is above zero the server's clock runs at wall pace;
 * at zero the clock jumps to the next timer or timeout whenever nothing is in flight. The server
 * that `WorkflowEnvironment.startTimeSkipping` starts begins locked (counter 1); this class
 * unlocks it for the duration of a wait and locks it again afterwards (also when the wait
 * fails), so the counter stays balanced.
 */
export class TimeSkipping {
  readonly #service: () => ServiceClient<typeof TestService>;
  #disabledScopes = 0;

  /**
   * @param testService The server's TestService client, or a function returning it (read at each
   *   call, so that the interceptor can be made before the client that carries it).
   */
  constructor(testService: ServiceClient<typeof TestService> | (() => ServiceClient<typeof TestService>)) {
    this.#service = typeof testService === "function" ? testService : () => testService;
  }

  get #testService(): ServiceClient<typeof TestService> {
    return this.#service();
  }

  /** Whether waiting for a workflow result skips time (false inside `withAutoSkippingDisabled`). */
  get autoSkipping(): boolean {
    return this.#disabledScopes === 0;
  }

  /** Runs `fn` with the clock unlocked when automatic skipping is on; locks it again afterwards. */
  async unlocked<R>(fn: () => Promise<R>): Promise<R> {
    if (!this.autoSkipping) return await fn();
    await this.#testService.unlockTimeSkipping({});
    try {
      return await fn();
    } finally {
      await this.#testService.lockTimeSkipping({});
    }
  }

  /** Runs `fn` without automatic skipping; scopes nest and may overlap. */
  async withAutoSkippingDisabled<R>(fn: () => R | Promise<R>): Promise<R> {
    this.#disabledScopes++;
    try {
      return await fn();
    } finally {
      this.#disabledScopes--;
    }
  }

  /**
   * Advances the server's clock by `duration`: unlocks it, waits until it has moved that far
   * (at once when nothing is in flight; timers due meanwhile fire), and locks it again.
   */
  async sleep(duration: Duration): Promise<void> {
    // Validates before any call; the wait may take wall time while tasks are in flight.
    const proto = durationToProto(duration);
    await this.#testService.unlockTimeSkippingWithSleep({ duration: proto }, { timeoutMs: Infinity });
  }

  /** The server's current time. */
  async currentTime(): Promise<Date> {
    const response = await this.#testService.getCurrentTime({});
    if (response.time === undefined) {
      throw new Error("The test server answered GetCurrentTime without a time");
    }
    return timestampDate(response.time);
  }

  /**
   * A client interceptor that unlocks the clock while the client waits for a workflow to close
   * (the long poll behind `handle.result()` and `executeWorkflow`), so that the workflow's timers
   * fire at once.
   */
  interceptor(): ClientInterceptor {
    return {
      fetchWorkflowHistoryEvents: (input, next) => {
        if (!input.waitNewEvent || input.eventFilterType !== "CLOSE_EVENT") return next(input);
        return this.unlocked(() => next(input));
      },
    };
  }
}
