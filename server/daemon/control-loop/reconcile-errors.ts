// What went wrong while reconciling an app, typed, so the control loop decides by kind and never
// by matching messages: a TransientError is retried with backoff (the runtime could not be
// reached; nothing about the release is wrong), a TerminalError ends the rollout FAILED with its
// reason (nothing would change by trying again). Runtimes throw these themselves where they know;
// classify() turns everything else into one of the two.
import { DriverError } from "../../runtime/runtime-driver";

export class TransientError extends Error {
  readonly transient = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransientError";
  }
}

export class TerminalError extends Error {
  readonly transient = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TerminalError";
  }
}

export type ReconcileError = TransientError | TerminalError;

/** Node's own codes for a peer that could not be reached: worth retrying, unlike a refusal. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET"]);

/** Whether an error says the peer could not be reached (its code, or its cause's), never by its message. */
export function isUnreachable(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && UNREACHABLE_CODES.has(code)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The kind of a failure, with a reason that says what to do next. A runtime's DriverError says
 * its kind; an unreachable peer is transient; anything else (a bug, a database hiccup) is
 * transient too: retrying with backoff is safe, and a rollout still ends at its deadline.
 */
export function classify(e: unknown): ReconcileError {
  if (e instanceof TransientError || e instanceof TerminalError) return e;
  if (e instanceof DriverError) {
    const where = e.target === "kubernetes" ? "the cluster" : "the runtime";
    switch (e.kind) {
      case "unavailable":
        return new TransientError(
          e.target === "kubernetes" ? `${e.message}. The cluster is unreachable; slipwayd keeps retrying. Check the cluster on the Clusters page.` : `${e.message}. The runtime is unreachable; slipwayd keeps retrying.`,
          { cause: e },
        );
      case "quota":
        return new TerminalError(`${e.message}. The cluster's quota for the team refused it: lower the app's CPU, memory or replicas, or ask the platform admin to raise the team's quota.`, { cause: e });
      case "timeout":
        return new TerminalError(`${e.message}. Check the app's readiness (health check path and port) and ${where}'s events.`, { cause: e });
      default:
        return new TerminalError(`${e.message}. Check the app's settings and ${where}'s events, then deploy again.`, { cause: e });
    }
  }
  if (isUnreachable(e)) return new TransientError(`The runtime could not be reached (${message(e)}); slipwayd keeps retrying.`, { cause: e });
  return new TransientError(message(e), { cause: e });
}
