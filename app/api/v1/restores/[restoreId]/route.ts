import { route } from "@/server/http";
import { getRestore } from "@/server/backups/get-restore";

type Params = { restoreId: string };

export const GET = route<Params>("read", ({ actor, params }) => getRestore({ actor, restoreId: params.restoreId }));
