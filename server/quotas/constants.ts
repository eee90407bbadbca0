// Bounds of a team's build time limit, shared by the zod schema and the platform page's fields.
// Import-free so client components can take it without pulling zod in (see server/teams/constants.ts).
export const BUILD_TIMEOUT_MIN_SECONDS = 10;
export const BUILD_TIMEOUT_MAX_SECONDS = 6 * 60 * 60;
