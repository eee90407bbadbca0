"use client";

import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { authClient } from "./auth-client";

export function SignOutButton() {
  const router = useRouter();
  return (
    <Button variant="ghost" size="sm" onClick={async () => { await authClient.signOut(); router.push("/sign-in"); router.refresh(); }}>
      Sign out
    </Button>
  );
}
