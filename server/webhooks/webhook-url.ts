// The one place an app's webhook URL is made. It lives outside /api/v1 because providers store it:
// it must not change with the API's version.
import { getEnv } from "../env";

export function webhookPath(appId: string): string {
  return `/api/hooks/${encodeURIComponent(appId)}`;
}

/** Absolute, from SLIPWAY_PUBLIC_URL (the address providers reach the dashboard at). */
export function webhookUrl(appId: string): string {
  const env = getEnv();
  const base = env.SLIPWAY_PUBLIC_URL ?? `http://localhost:${env.SLIPWAY_WEB_PORT}`;
  return new URL(webhookPath(appId), base).toString();
}
