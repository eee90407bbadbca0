import "server-only";
// The actor of a dashboard page. The layout and the page render in parallel, so each page must
// itself send a signed-out visitor to sign in (a thrown "Sign in" error would be a 500 in the log),
// and a signed-in user with no team to the page that says how to join one.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { isAppError } from "../errors";
import type { Actor } from "./actor";
import { resolveActor } from "./resolve-actor";

export async function requirePageActor(): Promise<Actor> {
  const actor = await resolveActor(await headers()).catch((error: unknown) => {
    if (isAppError(error) && error.code === "FORBIDDEN") return "no-team" as const;
    throw error;
  });
  if (!actor) redirect("/sign-in");
  if (actor === "no-team") redirect("/no-team");
  return actor;
}
