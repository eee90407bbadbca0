// A real S3-compatible server on loopback for the backup tests: moto's server (PyPI), installed on
// first use into a venv under .test-cache/ (kept between runs), started on a free port of
// 127.0.0.1 with a bucket of the caller's. It speaks the S3 REST API over HTTP like MinIO would,
// multipart uploads included.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { freePort } from "./net";
import { REPO_ROOT } from "./daemon-harness";

const MOTO_SPEC = "moto[s3,server]>=5.1,<6";

export interface S3Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  client: S3Client;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The venv's python with moto installed, made once (about 20 s from PyPI). It is built under a
 * temporary name and moved into place only when whole, so a run killed mid-install leaves nothing
 * half-made behind. Moved venvs keep working when started as `python -m moto.server` (the scripts'
 * shebang lines would still name the temporary path).
 */
export function ensureMotoServer(): string {
  const cache = path.join(REPO_ROOT, ".test-cache");
  const venv = path.join(cache, "moto-venv");
  const python = path.join(venv, "bin", "python");
  if (existsSync(python)) return python;
  mkdirSync(cache, { recursive: true });
  const tmp = `${venv}.${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  execFileSync("python3", ["-m", "venv", tmp], { stdio: "inherit" });
  execFileSync(path.join(tmp, "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", MOTO_SPEC], { stdio: "inherit", timeout: 300_000 });
  if (!existsSync(python)) renameSync(tmp, venv);
  else rmSync(tmp, { recursive: true, force: true });
  return python;
}

async function waitUntilAnswers(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${output()}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      await res.body?.cancel();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within 30 s: ${output()}`);
}

export async function startS3Server(): Promise<S3Server> {
  const python = ensureMotoServer();
  const port = await freePort();
  let out = "";
  const child = spawn(python, ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  child.stderr!.on("data", (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilAnswers(endpoint, child, () => out);
  const region = "us-east-1";
  const accessKeyId = "slipway-test";
  const secretAccessKey = "slipway-test-secret";
  const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    client,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async stop() {
      client.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
