import { SignOutButton } from "@/components/auth/sign-out-button";
import { Logo } from "@/components/ui/logo";

// Signed in, but a member of no team (left the last one, or an invitation vanished mid-sign-up).
export default function NoTeamPage() {
  return (
    <main className="mx-auto mt-24 max-w-md space-y-4 px-6 text-sm text-slate-700">
      <Logo />
      <p data-testid="no-team">You are not a member of any team. Ask a team admin for an invitation link and open it to join.</p>
      <SignOutButton />
    </main>
  );
}
