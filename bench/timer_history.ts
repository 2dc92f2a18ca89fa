/**
 * A synthetic but complete history of `benchTimers(count, 1)`: started, then per timer one
 * workflow task that starts it and its firing, then the completion. 5 events per timer plus 5, so
 * `timerHistory(1999)` has exactly 10,000 events. Both SDKs' replayers accept it.
 * @module
 */
import { create, type JsonValue, type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { EventType } from "../gen/temporal/api/enums/v1/event_type_pb.ts";
import {
  type History,
  type HistoryEvent,
  HistoryEventSchema,
  HistorySchema,
} from "../gen/temporal/api/history/v1/message_pb.ts";

type Attributes = MessageInitShape<typeof HistoryEventSchema>["attributes"];

/** The history of `benchTimers(count, 1)` run to completion. */
export function timerHistory(count: number): History {
  const events: HistoryEvent[] = [];
  let time = Date.UTC(2025, 0, 1);
  const add = (eventType: EventType, attributes: Attributes): bigint => {
    const eventId = BigInt(events.length + 1);
    time += 1;
    events.push(
      create(HistoryEventSchema, {
        eventId,
        eventTime: timestampFromMs(time),
        eventType,
        attributes,
      }),
    );
    return eventId;
  };
  const taskQueue = { name: "bench-replay" };
  const json = (value: unknown) => ({
    metadata: { encoding: new TextEncoder().encode("json/plain") },
    data: new TextEncoder().encode(JSON.stringify(value)),
  });
  add(EventType.WORKFLOW_EXECUTION_STARTED, {
    case: "workflowExecutionStartedEventAttributes",
    value: {
      workflowType: { name: "benchTimers" },
      taskQueue,
      input: { payloads: [json(count), json(1)] },
      workflowTaskTimeout: durationFromMs(10_000),
      originalExecutionRunId: "00000000-0000-4000-8000-000000000001",
      firstExecutionRunId: "00000000-0000-4000-8000-000000000001",
      workflowId: "bench-replay",
      attempt: 1,
    },
  });
  const task = (): bigint => {
    const scheduledEventId = add(EventType.WORKFLOW_TASK_SCHEDULED, {
      case: "workflowTaskScheduledEventAttributes",
      value: {
        taskQueue,
        startToCloseTimeout: durationFromMs(10_000),
        attempt: 1,
      },
    });
    const startedEventId = add(EventType.WORKFLOW_TASK_STARTED, {
      case: "workflowTaskStartedEventAttributes",
      value: {
        scheduledEventId,
        identity: "bench",
        requestId: `r${scheduledEventId}`,
      },
    });
    return add(EventType.WORKFLOW_TASK_COMPLETED, {
      case: "workflowTaskCompletedEventAttributes",
      value: { scheduledEventId, startedEventId, identity: "bench" },
    });
  };
  for (let i = 1; i <= count; i++) {
    const completed = task();
    const startedEventId = add(EventType.TIMER_STARTED, {
      case: "timerStartedEventAttributes",
      value: {
        timerId: String(i),
        startToFireTimeout: durationFromMs(1),
        workflowTaskCompletedEventId: completed,
      },
    });
    add(EventType.TIMER_FIRED, {
      case: "timerFiredEventAttributes",
      value: { timerId: String(i), startedEventId },
    });
  }
  const completed = task();
  add(EventType.WORKFLOW_EXECUTION_COMPLETED, {
    case: "workflowExecutionCompletedEventAttributes",
    value: { workflowTaskCompletedEventId: completed },
  });
  return create(HistorySchema, { events });
}

/** The history as proto3 JSON (what the official SDK's `historyFromJSON` reads). */
export function timerHistoryJson(count: number): JsonValue {
  return toJson(HistorySchema, timerHistory(count));
}
