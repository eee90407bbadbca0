// Where opened apps live on the dashboard's origin. proxy.ts and next.config.ts keep the
// dashboard's own page policy off this prefix: the proxied app gets a sandbox policy instead.
export const OPEN_PATH_ROOT = "/open";

export function openPathPrefix(ticket: string): string {
  return `${OPEN_PATH_ROOT}/${ticket}`;
}
