import "server-only";
import { getDb } from "../db";

export async function getPlatformSettings() {
  return getDb().platformSettings.upsert({ where: { id: "platform" }, create: {}, update: {} });
}
