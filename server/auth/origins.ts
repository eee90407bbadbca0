// The dashboard's own origins: better-auth's trusted origins and the CSRF check read this one list.
import { getEnv } from "../env";

export function publicUrl(): string {
  const env = getEnv();
  return env.SLIPWAY_PUBLIC_URL ?? `http://localhost:${env.SLIPWAY_WEB_PORT}`;
}

export function dashboardOrigins(): string[] {
  const env = getEnv();
  const origins = new Set([new URL(publicUrl()).origin]);
  // Without a configured public URL the dashboard is opened on this machine by either name.
  if (!env.SLIPWAY_PUBLIC_URL) {
    origins.add(`http://localhost:${env.SLIPWAY_WEB_PORT}`);
    origins.add(`http://127.0.0.1:${env.SLIPWAY_WEB_PORT}`);
  }
  return [...origins];
}
