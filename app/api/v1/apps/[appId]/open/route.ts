import { route } from "@/server/http";
import { openAppLink } from "@/server/apps/open/open-app-link";

type Params = { appId: string };

// A fresh link through the cluster's API server to the app (201 { url, expiresAt }).
export const POST = route<Params>("read", ({ actor, params }) => openAppLink({ actor, appId: params.appId }));
