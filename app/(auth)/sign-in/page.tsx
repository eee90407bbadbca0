import { AuthForm } from "@/components/auth/auth-form";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const invite = typeof params.invite === "string" && /^[A-Za-z0-9_-]+$/.test(params.invite) ? params.invite : undefined;
  return <AuthForm mode="sign-in" inviteToken={invite} notice={invite ? "Sign in to accept your invitation." : undefined} />;
}
