// One pino logger for slipwayd. Secrets never reach it: callers log ids and names, not env values,
// and the redact list is a second line of defence for objects that slip through.
import pino, { type Logger } from "pino";

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { proc: "slipwayd" },
    redact: { paths: ["env", "*.env", "token", "*.token", "authorization", "*.authorization"], censor: "[redacted]" },
  });
}
