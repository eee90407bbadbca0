// The one place an app's webhook URL is made. It lives outside /api/v1 because providers store it:
// it must not change with the API's version.
import { publicUrl } from "../auth/origins";

export function webhookPath(appId: string): string {
  return `/api/hooks/${encodeURIComponent(appId)}`;
}

/** Absolute, from the dashboard's public URL (the address providers reach Slipway at). */
export function webhookUrl(appId: string): string {
  return new URL(webhookPath(appId), publicUrl()).toString();
}
