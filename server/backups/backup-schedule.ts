// Backup schedules: 5-field cron expressions (minute hour day month weekday) in UTC, or the usual
// shorthands (@hourly, @daily, @weekly, @monthly). Seconds fields are refused: a backup more often
// than once a minute is a mistake, not a schedule.
import { CronExpressionParser } from "cron-parser";

const SHORTHANDS = new Set(["@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"]);

/** null when the expression is a valid schedule; otherwise what is wrong with it. */
export function checkBackupSchedule(expression: string): string | null {
  const expr = expression.trim();
  if (!SHORTHANDS.has(expr) && expr.split(/\s+/).length !== 5) {
    return "must be a cron expression of 5 fields (minute hour day-of-month month day-of-week, in UTC), e.g. \"0 3 * * *\" for 03:00 every day, or @hourly/@daily/@weekly";
  }
  try {
    CronExpressionParser.parse(expr, { tz: "UTC" });
    return null;
  } catch (e) {
    return `is not a valid cron expression: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** When the schedule next fires strictly after `after` (UTC). The expression must be valid. */
export function nextBackupRun(expression: string, after: Date): Date {
  return CronExpressionParser.parse(expression.trim(), { currentDate: after, tz: "UTC" }).next().toDate();
}
