// What the API server said, in one line: client-node's ApiException carries the Status body (its
// `message` is the API server's own words: "exceeded quota: …", "… is forbidden: …"); its own
// text adds response headers, which have no place in a reason shown to people.

export function apiStatusCode(e: unknown): number | undefined {
  const err = e as { code?: unknown; statusCode?: unknown; response?: { statusCode?: unknown } } | null;
  const code = err?.code ?? err?.statusCode ?? err?.response?.statusCode;
  return typeof code === "number" ? code : undefined;
}

function bodyMessage(body: unknown): string | undefined {
  if (body && typeof body === "object" && "message" in body && typeof body.message === "string") return body.message;
  if (typeof body === "string") {
    try {
      return bodyMessage(JSON.parse(body));
    } catch {
      return body.trim().slice(0, 300) || undefined;
    }
  }
  return undefined;
}

/**
 * The API server's message in an ApiException: the Status body's, else the "Message:" line of
 * client-node's own text (its generic "Unknown API Status Code" says nothing). undefined when none.
 */
export function apiAnswerMessage(e: unknown): string | undefined {
  const err = e as { body?: unknown; message?: unknown } | null;
  const fromBody = bodyMessage(err?.body);
  if (fromBody) return fromBody;
  const fromText = typeof err?.message === "string" ? /^Message: (.+)$/m.exec(err.message)?.[1] : undefined;
  return fromText && !/^Unknown API Status Code/.test(fromText) ? fromText : undefined;
}

/** What went wrong, in one line: the API server's message, else the error's own. */
export function apiErrorMessage(e: unknown): string {
  const text = apiAnswerMessage(e) ?? (e instanceof Error ? e.message : String(e));
  return text.replace(/\s+/g, " ").trim();
}
