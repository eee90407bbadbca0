"use client";

import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { api } from "@/components/api-client";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { switchTeam } from "./team-switcher";

export function InvitationAccept({ token, teamSlug }: { token: string; teamSlug: string }) {
  const router = useRouter();
  const accept = useMutation({
    mutationFn: () => api(`/api/v1/invitations/${encodeURIComponent(token)}`, { method: "POST" }),
    onSuccess: () => {
      // Land in the team just joined.
      switchTeam(teamSlug);
      router.push("/");
      router.refresh();
    },
  });
  return (
    <div className="mt-4">
      <Button onClick={() => accept.mutate()} disabled={accept.isPending}>{accept.isPending ? "…" : "Accept invitation"}</Button>
      <ErrorText error={accept.error} />
    </div>
  );
}
