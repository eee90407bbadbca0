"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import { Logo } from "@/components/ui/logo";
import { authClient } from "./auth-client";

export function AuthForm({ mode }: { mode: "sign-in" | "sign-up" }) {
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
    const result =
      mode === "sign-up"
        ? await authClient.signUp.email({ email, password, name: String(form.get("name") ?? "") || email.split("@")[0] || email })
        : await authClient.signIn.email({ email, password });
    setPending(false);
    if (result.error) {
      setError(result.error.message ?? "That did not work; check your details and try again.");
      return;
    }
    router.push("/");
    router.refresh();
  }

  return (
    <main className="mx-auto mt-24 max-w-sm px-4">
      <h1 className="mb-6 text-center text-2xl"><Logo /></h1>
      <Card>
        <form onSubmit={onSubmit} className="space-y-4">
          <h2 className="text-lg font-semibold">{mode === "sign-up" ? "Create your account" : "Sign in"}</h2>
          {mode === "sign-up" ? (
            <Field label="Name" htmlFor="name">
              <Input id="name" name="name" autoComplete="name" />
            </Field>
          ) : null}
          <Field label="Email" htmlFor="email">
            <Input id="email" name="email" type="email" required autoComplete="email" />
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
              <>Have an account? <Link className="underline" href="/sign-in">Sign in</Link></>
            ) : (
              <>New here? <Link className="underline" href="/sign-up">Create an account</Link></>
            )}
          </p>
        </form>
      </Card>
    </main>
  );
}
