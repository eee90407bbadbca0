// The platform's HTTP API as a script (or an attacker) calls it, against the running web server:
// sign-up through better-auth's own endpoint (with the setup token for the first account), then a
// session cookie (with the dashboard's Origin, as its own client sends) or an API token.
//
//   const admin = await signUpOverHttp(platform, { email: "ada@example.test", setup: true });
//   const token = await admin.createToken("ci", "OWNER");
//   const api = apiClient(platform, { token });
//   const { status, json } = await api.post("/api/v1/projects", { slug: "shop" });
import type { Platform } from "./platform";

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
  json: any;
  text: string;
}

export interface ApiClient {
  request(method: string, pathname: string, body?: unknown): Promise<ApiResponse>;
  get(pathname: string): Promise<ApiResponse>;
  post(pathname: string, body?: unknown): Promise<ApiResponse>;
  patch(pathname: string, body?: unknown): Promise<ApiResponse>;
  put(pathname: string, body?: unknown): Promise<ApiResponse>;
  /** Like request, but throws with the answer unless it is 2xx. */
  ok(method: string, pathname: string, body?: unknown): Promise<ApiResponse["json"]>;
}

/** Status, text, and the JSON it holds (null when it is not JSON: the assertion then shows the text). */
export async function readResponse(res: Response): Promise<ApiResponse> {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, text };
}

export type Credentials = { cookie: string } | { token: string };

export function apiClient(platform: Platform, credentials: Credentials): ApiClient {
  const request = async (method: string, pathname: string, body?: unknown): Promise<ApiResponse> => {
    const headers: Record<string, string> = {};
    if ("cookie" in credentials) {
      headers.cookie = credentials.cookie;
      headers.origin = platform.webUrl;
    } else {
      headers.authorization = `Bearer ${credentials.token}`;
    }
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`http://127.0.0.1:${platform.webPort}${pathname}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return readResponse(res);
  };
  const client: ApiClient = {
    request,
    get: (p) => request("GET", p),
    post: (p, b) => request("POST", p, b ?? {}),
    patch: (p, b) => request("PATCH", p, b ?? {}),
    put: (p, b) => request("PUT", p, b ?? {}),
    async ok(method, pathname, body) {
      const res = await request(method, pathname, body);
      if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${pathname} answered ${res.status}: ${res.text}`);
      return res.json;
    },
  };
  return client;
}

export interface SignedInUser {
  cookie: string;
  api: ApiClient;
  /** An API token of this user's team with `role` (session-only route: needs the cookie). */
  createToken(name: string, role: "OWNER" | "ADMIN" | "DEVELOPER" | "VIEWER"): Promise<string>;
}

/**
 * Signs up over HTTP through better-auth's endpoint. `setup: true` sends the first-time setup token
 * (the first account becomes platform admin and owner of team "default"); otherwise the sign-up
 * policy applies (open by default: the user gets a team of their own).
 */
export async function signUpOverHttp(
  platform: Platform,
  opts: { email: string; name?: string; password?: string; setup?: boolean },
): Promise<SignedInUser> {
  const headers: Record<string, string> = { "content-type": "application/json", origin: platform.webUrl };
  if (opts.setup) {
    const token = new URL(platform.setupLink()).searchParams.get("setup");
    if (!token) throw new Error("no setup token in the setup link");
    headers["x-slipway-setup-token"] = token;
  }
  const res = await fetch(`http://127.0.0.1:${platform.webPort}/api/auth/sign-up/email`, {
    method: "POST",
    headers,
    body: JSON.stringify({ email: opts.email, password: opts.password ?? "a-long-password", name: opts.name ?? opts.email.split("@")[0] }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sign-up of ${opts.email} answered ${res.status}: ${text}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("better-auth.session_token="));
  if (!cookie) throw new Error(`sign-up of ${opts.email} set no session cookie`);
  const api = apiClient(platform, { cookie });
  return {
    cookie,
    api,
    async createToken(name, role) {
      const created = await api.ok("POST", "/api/v1/team/tokens", { name, role });
      return created.token as string;
    },
  };
}
