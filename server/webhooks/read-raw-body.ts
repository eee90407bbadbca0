import "server-only";
// A webhook body as the exact bytes sent (signatures are over them), read only up to a cap: a
// Content-Length over it is refused before reading, and a body that grows past it while
// streaming is cancelled there.
import { AppError } from "../errors";

const tooLarge = (max: number) => new AppError("PAYLOAD_TOO_LARGE", `The payload is larger than ${max / (1024 * 1024)} MiB; Slipway reads webhook bodies up to that size.`);

export async function readRawBody(req: Request, max: number): Promise<Buffer> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw tooLarge(max);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined); // the refusal stands whether or not the stream closes cleanly
      throw tooLarge(max);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return Buffer.concat(chunks, total);
}
