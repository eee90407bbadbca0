// Limits the cluster forms and queries share with the server. Free of imports: client components
// read them, and the client bundle must not take in zod (it probes `new Function` at load, which
// the CSP reports).
/** Kubeconfigs are small; 256 KiB leaves room for long certificate chains and nothing else. */
export const MAX_KUBECONFIG_BYTES = 256 * 1024;
/** The page size the cluster view asks for; the API server's own default chunk size for kubectl too. */
export const DEFAULT_POD_PAGE_SIZE = 500;
