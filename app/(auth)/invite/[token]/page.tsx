import { headers } from "next/headers";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { Logo } from "@/components/ui/logo";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { InvitationAccept } from "@/components/team/invitation-accept";
import { getAuth } from "@/server/auth/auth";
import { findInvitationPreview } from "@/server/invitations/find-invitation-preview";

export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await findInvitationPreview(token);
  const session = await getAuth().api.getSession({ headers: await headers() });
  const signedInAs = session?.user.email ?? null;

  let body;
  if (!invitation) {
    body = <p>This invitation link is not valid. Check that you copied all of it, or ask the team admin who invited you for a new one.</p>;
  } else if (invitation.state !== "pending") {
    const why = invitation.state === "accepted" ? "has already been used" : invitation.state === "revoked" ? "was revoked" : "has expired";
    body = <p data-testid="invitation-gone">This invitation {why}. Ask {invitation.invitedBy ?? "a team admin"} for a new one.</p>;
  } else {
    const summary = (
      <p>
        {invitation.invitedBy ?? "A team admin"} invited <strong>{invitation.email}</strong> to join team <strong>{invitation.team.name}</strong> ({invitation.team.slug}) as{" "}
        <strong>{invitation.role.toLowerCase()}</strong>. The link expires {new Date(invitation.expiresAt).toUTCString()}.
      </p>
    );
    const q = `?invite=${encodeURIComponent(token)}`;
    body = (
      <>
        {summary}
        {!signedInAs ? (
          <p className="mt-4">
            <Link className="underline" href={`/sign-up${q}`}>Sign up</Link> or <Link className="underline" href={`/sign-in${q}`}>sign in</Link> as{" "}
            <strong>{invitation.email}</strong> to accept.
          </p>
        ) : signedInAs.toLowerCase() !== invitation.email.toLowerCase() ? (
          <div className="mt-4 space-y-2">
            <p>You are signed in as {signedInAs}. Sign out, then sign in or sign up as <strong>{invitation.email}</strong> to accept.</p>
            <SignOutButton />
          </div>
        ) : (
          <InvitationAccept token={token} teamSlug={invitation.team.slug} />
        )}
      </>
    );
  }
  return (
    <main className="mx-auto mt-24 max-w-md px-4">
      <h1 className="mb-6 text-center text-2xl"><Logo /></h1>
      <Card className="space-y-2 text-sm text-slate-700">
        <h2 className="text-lg font-semibold text-slate-900">Invitation</h2>
        {body}
      </Card>
    </main>
  );
}
