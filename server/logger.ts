// Structured logs. Secrets never reach a log line: env values, tokens and cookies are redacted.
import pino from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  redact: { paths: ["*.env", "*.password", "*.token", "*.authorization", "*.cookie", "headers.cookie", "headers.authorization"], censor: "[redacted]" },
});
