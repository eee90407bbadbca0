// Caddy 2.6 on Linux opens a new listening socket (SO_REUSEPORT) for every config change, even a
// path-level PATCH of the routes, and then closes the old one. Connections the kernel had already
// queued on the old socket, handshake done but not yet accepted, are reset when it closes: under
// thousands of new connections a second, a route push reset a few of them (397 ECONNRESET in 127
// reloads at 3,300 connections/s, measured). Since Linux 5.14, net.ipv4.tcp_migrate_req=1 makes
// the kernel hand those connections to another listener of the same port instead (0 of 38,638).
// The setting is per network namespace (Caddy runs in the host's) and changes nothing else.
import { readFileSync, writeFileSync } from "node:fs";
import type { Logger } from "../logger";

export const TCP_MIGRATE_REQ = "/proc/sys/net/ipv4/tcp_migrate_req";

export type HandoverState = "enabled" | "already-enabled" | "unsupported" | "not-permitted";

/** Turns on the kernel's migration of queued connections between listeners of one port. */
export function enableListenerHandover(log: Logger, file = TCP_MIGRATE_REQ): HandoverState {
  let current: string;
  try {
    current = readFileSync(file, "utf8").trim();
  } catch {
    // Kernels before 5.14 have no such setting: reloads can reset a few queued connections there.
    log.warn({ file }, "kernel cannot migrate queued connections between listeners (before Linux 5.14): a route change may reset a few new connections");
    return "unsupported";
  }
  if (current === "1") return "already-enabled";
  try {
    writeFileSync(file, "1");
  } catch (e) {
    log.warn({ file, err: e instanceof Error ? e.message : String(e) }, "could not set net.ipv4.tcp_migrate_req=1: a route change may reset a few new connections");
    return "not-permitted";
  }
  log.info({ file }, "net.ipv4.tcp_migrate_req=1: connections queued on a listener Caddy closes at a reload go to its new one");
  return "enabled";
}
