// Reading a verified body, shared by the provider adapters: JSON (or GitHub's and Gitea's
// form-encoded `payload=<json>`), refs, SHAs and commit lines.
import { isCommitSha } from "../../pipeline/git-source";
import { PayloadError } from "./types";

export type Json = Record<string, unknown>;

/** The event object of a verified body. */
export function readPayload(headers: Headers, rawBody: Buffer): Json {
  let text = rawBody.toString("utf8");
  const type = headers.get("content-type") ?? "";
  if (type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    const payload = new URLSearchParams(text).get("payload");
    if (payload === null) throw new PayloadError("a form-encoded body must carry the event in its payload field");
    text = payload;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PayloadError("the body is not JSON");
  }
  if (!isObject(value)) throw new PayloadError("the body is not a JSON object");
  return value;
}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string at `path` ("head_commit.author.name"), or "" when absent or not a string. */
export function str(value: unknown, path: string): string {
  let current: unknown = value;
  for (const key of path.split(".")) {
    if (!isObject(current)) return "";
    current = current[key];
  }
  return typeof current === "string" ? current : "";
}

export function obj(value: unknown, path: string): Json | null {
  let current: unknown = value;
  for (const key of path.split(".")) {
    if (!isObject(current)) return null;
    current = current[key];
  }
  return isObject(current) ? current : null;
}

const ZERO_SHA = /^0+$/;

export const isZeroSha = (sha: string) => sha !== "" && ZERO_SHA.test(sha);

/** A push names its commit as a full SHA-1 (or SHA-256) hex id: anything else is refused. */
export function requireSha(sha: string, field: string): string {
  if (!isCommitSha(sha)) throw new PayloadError(`${field} is not a commit SHA`);
  return sha.toLowerCase();
}

/** refs/heads/x → branch x; refs/tags/v1 → tag v1; anything else stays as it is. */
export function refParts(ref: string): { branch: string; isTag: boolean } {
  if (ref.startsWith("refs/heads/")) return { branch: ref.slice("refs/heads/".length), isTag: false };
  if (ref.startsWith("refs/tags/")) return { branch: ref.slice("refs/tags/".length), isTag: true };
  return { branch: ref, isTag: false };
}

const MESSAGE_MAX = 300;
const AUTHOR_MAX = 200;

/** The first line of a commit message, as build lists show it. */
export function firstLine(message: string): string {
  return (message.split(/\r?\n/, 1)[0] ?? "").trim().slice(0, MESSAGE_MAX);
}

/** "Ada Lovelace <ada@example.com>" → "Ada Lovelace": people's names are shown, not their e-mail. */
export function authorName(raw: string): string {
  return raw.replace(/\s*<[^>]*>\s*$/, "").trim().slice(0, AUTHOR_MAX);
}

/** A header value, trimmed; null when absent or empty. */
export function header(headers: Headers, name: string): string | null {
  const value = headers.get(name)?.trim();
  return value ? value : null;
}
