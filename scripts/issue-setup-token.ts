// Prints a new one-time first-admin setup token when the platform has no users yet (and nothing
// otherwise). `npm start` (scripts/run-platform.ts) runs it before the web server and prints the
// setup link; only the token's hash is stored. Run with
//   node --import tsx --conditions=react-server scripts/issue-setup-token.ts
import { getDb } from "../server/db";
import { issueSetupToken } from "../server/auth/setup-token";

try {
  const token = await issueSetupToken();
  if (token) process.stdout.write(`${token}\n`);
} finally {
  await getDb().$disconnect();
}
