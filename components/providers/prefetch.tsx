import "server-only";
import { dehydrate, HydrationBoundary, QueryClient, type FetchQueryOptions } from "@tanstack/react-query";
import type { ReactNode } from "react";

/**
 * Server components fill the react-query cache with the same keys the client hooks use, so a page
 * renders with data at once and the hooks take over (polling, SSE, mutations) from there. A failed
 * prefetch is left to the client hook, which shows the error with its message.
 */
export async function Prefetch({ queries, children }: { queries: FetchQueryOptions[]; children: ReactNode }) {
  const client = new QueryClient();
  await Promise.all(queries.map((q) => client.prefetchQuery(q)));
  return <HydrationBoundary state={dehydrate(client)}>{children}</HydrationBoundary>;
}
