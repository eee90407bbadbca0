// An upstream that keeps connections alive, as real apps do: a small asyncio HTTP/1.1 server in
// Python (the localhost/debian-python:bookworm image). GET / answers a fixed page (the cheapest
// possible app: what the proxy itself costs shows fully); GET /work first renders 200 records to
// JSON, about what a small API endpoint does per request. Benchmarks deploy it through Slipway,
// so it runs with an app's limits.

export const KEEPALIVE_APP_IMAGE = "localhost/debian-python:bookworm";
export const KEEPALIVE_MARKER = "Slipway keep-alive app";

const APP_PY = `import asyncio, json, os

BODY = ("<!doctype html><p>${KEEPALIVE_MARKER} %s</p>\\n" % os.environ.get("VERSION", "")).encode()
OK = b"HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\nContent-Length: %d\\r\\n\\r\\n" % len(BODY) + BODY
ROWS = [{"id": i, "name": "item %d" % i, "price": i * 1.25, "tags": ["a", "b"]} for i in range(200)]


def work():
    body = json.dumps({"app": "${KEEPALIVE_MARKER}", "rows": ROWS}).encode()
    return b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n" % len(body) + body


class Http(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buf = b""

    def data_received(self, data):
        self.buf += data
        while True:
            end = self.buf.find(b"\\r\\n\\r\\n")
            if end < 0:
                return
            head, self.buf = self.buf[:end].lower(), self.buf[end + 4:]
            path = head.split(b" ", 2)[1] if head.count(b" ") >= 2 else b"/"
            self.transport.write(work() if path == b"/work" else OK)
            if b"connection: close" in head:
                self.transport.close()
                return


async def main():
    server = await asyncio.get_running_loop().create_server(Http, "0.0.0.0", 8080, backlog=1024)
    print("keep-alive app listening on 8080", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
`;

/** Files to commit into a fixture repository (Dockerfile + app.py). */
export function keepAliveAppFiles(version: string): Record<string, string> {
  return {
    Dockerfile: [`FROM ${KEEPALIVE_APP_IMAGE}`, "WORKDIR /app", "COPY app.py /app/app.py", `ENV VERSION=${version}`, "EXPOSE 8080", `CMD ["python3", "-u", "/app/app.py"]`, ""].join("\n"),
    "app.py": APP_PY,
  };
}
