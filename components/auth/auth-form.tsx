"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import { Logo } from "@/components/ui/logo";
import { authClient } from "./auth-client";

// The headers the sign-up gate reads (server/auth/setup-token.ts, server/invitations/schemas.ts).
const SETUP_TOKEN_HEADER = "x-slipway-setup-token";
const INVITATION_TOKEN_HEADER = "x-slipway-invitation-token";

export interface AuthFormProps {
  mode: "sign-in" | "sign-up";
  /** The first-time setup token from the link `npm start` printed (?setup=). */
  setupToken?: string;
  /** An invitation link's token (?invite=): sign-up sends it, sign-in goes on to accept it. */
  inviteToken?: string;
  /** The invited email, filled in for the invitee. */
  email?: string;
  notice?: ReactNode;
}

function withQuery(path: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
  return q.size ? `${path}?${q}` : path;
}

export function AuthForm({ mode, setupToken, inviteToken, email: invitedEmail, notice }: AuthFormProps) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    const headers: Record<string, string> = {};
    if (setupToken) headers[SETUP_TOKEN_HEADER] = setupToken;
    if (inviteToken) headers[INVITATION_TOKEN_HEADER] = inviteToken;
    const result =
      mode === "sign-up"
        ? await authClient.signUp.email({ email, password, name: String(form.get("name") ?? "") || email.split("@")[0] || email, fetchOptions: { headers } })
        : await authClient.signIn.email({ email, password });
    setPending(false);
    if (result.error) {
      setError(result.error.message ?? "That did not work; check your details and try again.");
      return;
    }
    // Signing up with an invitation joins its team at once; signing in goes on to accept it.
    router.push(mode === "sign-in" && inviteToken ? `/invite/${inviteToken}` : "/");
    router.refresh();
  }

  const otherMode = mode === "sign-up" ? "/sign-in" : "/sign-up";
  const otherHref = withQuery(otherMode, { invite: inviteToken, setup: setupToken });
  return (
    <main className="mx-auto mt-24 max-w-sm px-4">
      <h1 className="mb-6 text-center text-2xl"><Logo /></h1>
      <Card>
        <form onSubmit={onSubmit} className="space-y-4">
          <h2 className="text-lg font-semibold">{mode === "sign-up" ? "Create your account" : "Sign in"}</h2>
          {notice ? <div className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="auth-notice">{notice}</div> : null}
          {mode === "sign-up" ? (
            <Field label="Name" htmlFor="name">
              <Input id="name" name="name" autoComplete="name" />
            </Field>
          ) : null}
          <Field label="Email" htmlFor="email">
            <Input id="email" name="email" type="email" required autoComplete="email" defaultValue={invitedEmail} />
          </Field>
          <Field label="Password" htmlFor="password" hint={mode === "sign-up" ? "At least 8 characters." : undefined}>
            <Input id="password" name="password" type="password" required minLength={8} autoComplete={mode === "sign-up" ? "new-password" : "current-password"} />
          </Field>
          <ErrorText error={error} />
          <Button type="submit" className="w-full" disabled={pending}>
            {pending ? "…" : mode === "sign-up" ? "Sign up" : "Sign in"}
          </Button>
          <p className="text-center text-sm text-slate-600">
            {mode === "sign-up" ? (
              <>Have an account? <Link className="underline" href={otherHref}>Sign in</Link></>
            ) : (
              <>New here? <Link className="underline" href={otherHref}>Create an account</Link></>
            )}
          </p>
        </form>
      </Card>
    </main>
  );
}
