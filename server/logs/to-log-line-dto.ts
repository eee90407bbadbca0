import type { LogLineDto } from "./schemas";

/** slipwayd sends LogLineDto already; this keeps only its fields (nothing else reaches a browser). */
export function toLogLineDto(l: LogLineDto): LogLineDto {
  return { seq: l.seq, time: l.time, stream: l.stream, replica: l.replica, releaseId: l.releaseId, line: l.line };
}
