// Who can appear as an audit event's actor. Free of imports: client components read it, and the
// client bundle must not take in zod (it probes `new Function` at load, which the CSP reports).
export const AUDIT_ACTOR_TYPES = ["session", "token", "webhook", "system"] as const;
