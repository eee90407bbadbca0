import "server-only";
// Wakes slipwayd after the web wrote desired state, so it converges now rather than at its next
// poll. It polls anyway: a daemon that is down or restarting loses nothing, so a failed nudge is
// logged and the change stands.
import { logger } from "../../logger";
import { getEmbeddedDriver } from "./embedded-driver";

export async function nudgeSlipwayd(why: string): Promise<void> {
  try {
    await getEmbeddedDriver().nudge();
  } catch (err) {
    // The reason without a stack: a daemon that is down is an expected state, not a bug here.
    logger.warn({ why, reason: err instanceof Error ? err.message : String(err) }, "could not nudge slipwayd; it picks the change up at its next poll");
  }
}
