// The cookie that chooses the team a browser session acts in: set by the team switcher (a client
// component), read by resolve-actor. Kept free of imports so the client bundle takes in nothing else
// (zod, for one, probes `new Function` at load, which the dashboard's CSP reports).
export const TEAM_COOKIE = "slipway_team";
