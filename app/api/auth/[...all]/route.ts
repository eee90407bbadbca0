import { getAuth } from "@/server/auth/auth";

// better-auth owns sign-up, sign-in, sign-out and sessions.
export async function GET(req: Request) {
  return getAuth().handler(req);
}

export async function POST(req: Request) {
  return getAuth().handler(req);
}
