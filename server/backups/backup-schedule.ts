// Backup schedules: 5-field cron expressions (minute hour day month weekday) in UTC, or the usual
// shorthands (@hourly, @daily, @weekly, @monthly). Seconds fields are refused: a backup more often
// than once a minute is a mistake, not a schedule. One place checks them (the volume's settings)
// and computes their runs (slipwayd's scheduler).
import { CronExpressionParser } from "cron-parser";

const SHORTHANDS = new Set(["@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"]);

function parse(expr: string, currentDate?: Date) {
  // cron-parser knows @daily but not its other common name.
  return CronExpressionParser.parse(expr === "@midnight" ? "@daily" : expr, { ...(currentDate ? { currentDate } : {}), tz: "UTC" });
}

/** null when the expression is a valid schedule ("" = none, also valid); otherwise what is wrong with it. */
export function checkBackupSchedule(expression: string): string | null {
  const expr = expression.trim();
  if (expr === "") return null;
  if (!SHORTHANDS.has(expr) && (expr.startsWith("@") || expr.split(/\s+/).length !== 5)) {
    return "must be a cron expression of 5 fields (minute hour day-of-month month day-of-week, in UTC), e.g. \"0 3 * * *\" for 03:00 every day, or @hourly/@daily/@weekly";
  }
  try {
    parse(expr).next();
    return null;
  } catch (e) {
    return `is not a valid cron expression: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** When the schedule next fires strictly after `after` (UTC). The expression must be valid. */
export function nextBackupRun(expression: string, after: Date): Date {
  return parse(expression.trim(), after).next().toDate();
}

/** The latest time at or before `now` the schedule fired; null for no schedule or one that never fires. */
export function previousBackupRun(expression: string, now: Date): Date | null {
  if (!expression.trim()) return null;
  try {
    // prev() is strictly before currentDate: a millisecond past now, so a run at exactly now counts.
    return parse(expression.trim(), new Date(now.getTime() + 1)).prev().toDate();
  } catch (e) {
    // Only an expression saved before a stricter check gets here: the scheduler skips it (and says so).
    throw new Error(`backup schedule ${JSON.stringify(expression)} cannot be evaluated: ${e instanceof Error ? e.message : String(e)}`);
  }
}
