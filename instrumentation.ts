// Runs once when the Next.js server starts (`next start`, `next dev`), before it serves requests.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Route handlers cannot see the socket's peer address: stamp each request with the client
  // address as it enters the HTTP server (server/auth/client-address.ts says why and how).
  const { installClientAddressStamp } = await import("./server/auth/client-address");
  installClientAddressStamp();
}
