// The browser's one way to call /api/v1: JSON in, JSON out, errors carry the server's message.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export async function api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const method = init?.method ?? "GET";
  const res = await fetch(path, {
    method,
    // Every change carries JSON, even without a body (a deploy, a delete): the server refuses
    // cookie-authenticated changes of any other type (server/auth/csrf.ts).
    headers: init?.body !== undefined || method !== "GET" ? { "content-type": "application/json" } : undefined,
    body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
    credentials: "same-origin",
  });
  if (res.status === 204) return undefined as T;
  const payload = (await res.json().catch(() => null)) as { error?: { code: string; message: string; fields?: { path: string; message: string }[] } } | null;
  if (!res.ok) {
    const e = payload?.error;
    throw new ApiError(res.status, e?.code ?? "HTTP_" + res.status, e?.message ?? `Request failed (${res.status}).`, e?.fields);
  }
  return payload as T;
}
