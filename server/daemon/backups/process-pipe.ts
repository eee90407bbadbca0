// Two system programs joined by a pipe the kernel owns (`a | b`), with each one's pid, exit code
// and stderr. The bytes between them never pass through Node: the first program's stdout is
// handed to the second as its stdin, and Node's own copy of that pipe is closed at once.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";

export interface Program {
  cmd: string;
  args: string[];
}

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** the last 4 KiB of what it wrote to stderr */
  stderr: string;
}

export interface PipeOptions {
  /** what the first program reads: a file descriptor (an open file) or nothing */
  stdin?: number | "ignore";
  /** where the second program writes: a file descriptor, nothing, or a pipe to read (`out`) */
  stdout?: number | "ignore" | "pipe";
  signal?: AbortSignal;
}

export interface RunningPipe {
  first: ChildProcess;
  second: ChildProcess;
  /** the second program's stdout, when `stdout: "pipe"` */
  out: Readable | null;
  ended: Promise<[Ended, Ended]>;
}

function collect(child: ChildProcess): Promise<Ended> {
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4096);
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stderr: stderr.trim() }));
  });
}

export interface RunningChain {
  children: ChildProcess[];
  /** the last program's stdout, when `stdout: "pipe"` */
  out: Readable | null;
  ended: Promise<Ended[]>;
}

/** `a | b | c …`: each program's stdout is the next one's stdin. */
export function pipeChain(programs: Program[], opts: PipeOptions = {}): RunningChain {
  const children: ChildProcess[] = [];
  programs.forEach((p, i) => {
    const last = i === programs.length - 1;
    const stdin = i === 0 ? (opts.stdin ?? "ignore") : (children[i - 1]!.stdout as Readable);
    const stdout = last ? (opts.stdout ?? "pipe") : "pipe";
    children.push(spawn(p.cmd, p.args, { stdio: [stdin, stdout, "pipe"], signal: opts.signal }));
    // The next program holds its own copy of the pipe now; ours would only keep it open.
    if (i > 0) (children[i - 1]!.stdout as Readable).destroy();
  });
  const piped = opts.stdout === "pipe" || opts.stdout === undefined;
  return { children, out: piped ? (children.at(-1)!.stdout as Readable) : null, ended: Promise.all(children.map(collect)) };
}

export function pipePrograms(a: Program, b: Program, opts: PipeOptions = {}): RunningPipe {
  const chain = pipeChain([a, b], opts);
  return { first: chain.children[0]!, second: chain.children[1]!, out: chain.out, ended: chain.ended as Promise<[Ended, Ended]> };
}

/**
 * Bytes a live process has read through read(2) so far (/proc/<pid>/io rchar): for `tar -c` the
 * file bytes it archived, for `tar -x` the archive bytes it unpacked. 0 once it has exited.
 */
export function bytesRead(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const io = readFileSync(`/proc/${pid}/io`, "utf8");
    return Number(/^rchar:\s+(\d+)/m.exec(io)?.[1] ?? 0);
  } catch {
    // The process has exited between two polls: the caller keeps its last figure.
    return 0;
  }
}

/** "tar: …" lines are what a person needs; the exit code alone says little. */
export function describeEnd(name: string, e: Ended): string {
  const how = e.signal ? `was stopped by ${e.signal}` : `exited with ${e.code}`;
  return `${name} ${how}${e.stderr ? `: ${e.stderr.split("\n").slice(-3).join(" / ")}` : ""}`;
}
