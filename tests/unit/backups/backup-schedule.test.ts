import { describe, expect, it } from "vitest";
import { checkBackupSchedule, nextBackupRun, previousBackupRun } from "@/server/backups/backup-schedule";

describe("backup schedules", () => {
  it("accepts 5-field cron expressions, shorthands and no schedule", () => {
    for (const ok of ["", "* * * * *", "0 3 * * *", "*/15 * * * 1-5", "0 0 1 * *", "@daily", "@midnight", "@hourly", "@weekly"]) expect(checkBackupSchedule(ok), ok).toBeNull();
  });

  it("refuses seconds fields, unknown shorthands, out-of-range values and impossible dates, saying why", () => {
    expect(checkBackupSchedule("* * * * * *")).toMatch(/5 fields/);
    expect(checkBackupSchedule("@secondly")).toMatch(/5 fields/);
    expect(checkBackupSchedule("every day")).toMatch(/5 fields/);
    expect(checkBackupSchedule("61 * * * *")).toMatch(/not a valid cron expression.*0-59/);
    expect(checkBackupSchedule("0 0 30 2 *")).toMatch(/not a valid cron expression/);
  });

  it("computes the last run at or before now and the next one after it, in UTC", () => {
    const now = new Date("2026-11-29T12:34:56.000Z");
    expect(previousBackupRun("0 3 * * *", now)).toEqual(new Date("2026-11-29T03:00:00.000Z"));
    expect(previousBackupRun("* * * * *", now)).toEqual(new Date("2026-11-29T12:34:00.000Z"));
    // A run at exactly now counts as due.
    expect(previousBackupRun("34 12 * * *", new Date("2026-11-29T12:34:00.000Z"))).toEqual(new Date("2026-11-29T12:34:00.000Z"));
    expect(nextBackupRun("0 3 * * *", now)).toEqual(new Date("2026-11-30T03:00:00.000Z"));
    expect(previousBackupRun("@midnight", now)).toEqual(new Date("2026-11-29T00:00:00.000Z"));
    expect(previousBackupRun("", now)).toBeNull();
  });
});
