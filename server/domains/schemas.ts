// Custom domains: zod inputs, and the DTO (types and constants from ./constants, which client
// components import; they import this file's types with `import type` only).
import { z } from "zod";
import { DOMAIN_CHECK_METHODS } from "./constants";
import { hostnameProblem, normalizeHostname } from "./normalize-hostname";

export type { DomainDto, DomainStatus, DomainCheckMethod } from "./constants";

export const domainHostname = z
  .string()
  .max(1000, "is too long for a hostname")
  .transform(normalizeHostname)
  .superRefine((hostname, ctx) => {
    const problem = hostnameProblem(hostname);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const addDomainInput = z.object({ hostname: domainHostname }).strict();
export type AddDomainInput = z.input<typeof addDomainInput>;

/** No method: the TXT record is tried first, then the HTTP answer. */
export const verifyDomainInput = z.object({ method: z.enum(DOMAIN_CHECK_METHODS).optional() }).strict();
export type VerifyDomainInput = z.input<typeof verifyDomainInput>;
