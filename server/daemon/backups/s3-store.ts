// A team's S3-compatible backup target (AWS S3, MinIO, Ceph RGW, …): multipart upload of the
// streamed archive (@aws-sdk/lib-storage), downloads to a local file for verification.
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { writeArchive, type ArchiveResult, type WriteArchiveOptions } from "./archive-writer";
import type { BackupStore } from "./backup-store";

export interface S3TargetConfig {
  name: string;
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** Parts of 16 MiB, two in flight: 32 MiB of buffers at most per upload. */
const PART_BYTES = 16 * 1024 * 1024;

export class S3BackupStore implements BackupStore {
  readonly label: string;
  private readonly client: S3Client;

  constructor(private readonly target: S3TargetConfig) {
    this.label = `backup target ${target.name}`;
    this.client = new S3Client({
      endpoint: target.endpoint,
      region: target.region,
      forcePathStyle: target.forcePathStyle,
      credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
      // Self-hosted S3 servers do not all know the newer default checksum headers; the archive
      // carries its own SHA-256, checked at restore.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 3,
    });
  }

  private key(key: string): string {
    const prefix = this.target.prefix.replace(/^\/+/, "");
    return prefix && !prefix.endsWith("/") ? `${prefix}/${key}` : `${prefix}${key}`;
  }

  async putArchive(key: string, opts: WriteArchiveOptions): Promise<ArchiveResult> {
    // Either side failing stops the other: a failed upload must not leave tar and zstd blocked.
    const abort = new AbortController();
    const onOuterAbort = () => abort.abort(opts.signal?.reason);
    opts.signal?.addEventListener("abort", onOuterAbort, { once: true });
    try {
      const archive = writeArchive({ ...opts, signal: abort.signal });
      const stop = (e: unknown) => {
        abort.abort(e);
        throw e;
      };
      const [, result] = await Promise.all([this.upload(key, archive.stream, abort.signal).catch(stop), archive.done.catch(stop)]);
      return result;
    } finally {
      opts.signal?.removeEventListener("abort", onOuterAbort);
    }
  }

  private async upload(key: string, body: Readable, signal: AbortSignal): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.target.bucket, Key: this.key(key), Body: body, ContentType: "application/zstd" },
      partSize: PART_BYTES,
      queueSize: 2,
      // A failed multipart upload is aborted, so no half object is left in the bucket.
      leavePartsOnError: false,
    });
    const onAbort = () => void upload.abort().catch(() => undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await upload.done();
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  async fetchToFile(key: string, staging: string, signal?: AbortSignal): Promise<string> {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: this.key(key) }), { abortSignal: signal });
    if (!res.Body) throw new Error(`${this.label} answered no body for ${key}`);
    try {
      await pipeline(res.Body as Readable, createWriteStream(staging, { mode: 0o600 }), { signal });
    } catch (e) {
      await rm(staging, { force: true });
      throw e;
    }
    return staging;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key: this.key(key) }));
  }
}
