// Cookie attributes Slipway sets itself (better-auth's own follow auth.ts): Secure whenever the
// dashboard's public URL is https, SameSite=Lax so that no other site's page makes the browser
// send them with a cross-site POST, and Path=/.
import { publicUrl } from "./origins";

export function usesHttps(): boolean {
  return new URL(publicUrl()).protocol === "https:";
}

export interface CookieOptions {
  /** Seconds; omitted: a session cookie. */
  maxAge?: number;
  /** Cookies the browser's scripts must not read (the default). */
  httpOnly?: boolean;
}

/** A Set-Cookie header value. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "SameSite=Lax"];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAge))}`);
  if (options.httpOnly ?? true) parts.push("HttpOnly");
  if (usesHttps()) parts.push("Secure");
  return parts.join("; ");
}

/** The options object for Next.js `cookies().set(name, value, options)`, with the same attributes. */
export function cookieSetOptions(options: CookieOptions = {}) {
  return {
    path: "/",
    sameSite: "lax" as const,
    httpOnly: options.httpOnly ?? true,
    secure: usesHttps(),
    ...(options.maxAge !== undefined ? { maxAge: options.maxAge } : {}),
  };
}
