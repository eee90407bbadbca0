import { AuthForm } from "@/components/auth/auth-form";
import { platformNeedsFirstAdmin } from "@/server/auth/setup-token";
import { findInvitationPreview } from "@/server/invitations/find-invitation-preview";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function one(v: string | string[] | undefined): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const setupToken = one(params.setup);
  const inviteToken = one(params.invite);
  if (await platformNeedsFirstAdmin()) {
    const notice = setupToken
      ? "First-time setup: the account you create now becomes the platform admin and owner of the default team."
      : "This Slipway has no admin yet. Run npm start and open the first-time setup link it printed to create the first account.";
    return <AuthForm mode="sign-up" setupToken={setupToken} notice={notice} />;
  }
  const invitation = inviteToken ? await findInvitationPreview(inviteToken) : null;
  const notice = !inviteToken ? undefined : !invitation ? (
    "This invitation link is not valid. Ask the team admin who invited you for a new one."
  ) : invitation.state !== "pending" ? (
    `This invitation is ${invitation.state === "accepted" ? "already used" : invitation.state}. Ask ${invitation.invitedBy ?? "a team admin"} for a new one.`
  ) : (
    <>
      {invitation.invitedBy ?? "A team admin"} invited you to join <strong>{invitation.team.name}</strong> as {invitation.role.toLowerCase()}. Sign up with{" "}
      <strong>{invitation.email}</strong>.
    </>
  );
  return <AuthForm mode="sign-up" inviteToken={invitation?.state === "pending" ? inviteToken : undefined} email={invitation?.email} notice={notice} />;
}
