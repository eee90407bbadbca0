import "server-only";
// What an app operation answers: the app as it is now, and whether anything changed (a stop of a
// stopped app changes nothing: it is answered, not refused, so a retried request is harmless).
import type { AppDto } from "../schemas";
import { toAppDto } from "../to-app-dto";

export interface AppOperationResult {
  app: AppDto;
  changed: boolean;
}

export async function operationResult(app: Parameters<typeof toAppDto>[0], changed: boolean): Promise<AppOperationResult> {
  return { app: toAppDto(app), changed };
}
