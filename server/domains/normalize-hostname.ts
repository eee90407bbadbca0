// What a custom domain's hostname is, in one form: lower case, without the trailing dot of a fully
// qualified name, so "Shop.Example.com." and "shop.example.com" are one domain (one owner, one
// route). The rules are DNS-1123 (letters, digits, hyphens), which is what a certificate and a
// route key accept; Unicode names are entered in their punycode (xn--) form. Free of imports:
// shared by the zod input and the services.

export const HOSTNAME_MAX_LENGTH = 253;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function normalizeHostname(raw: string): string {
  return raw.trim().toLowerCase().replace(/\.$/, "");
}

/** Why `hostname` (normalized) is not a custom domain Slipway can serve; null when it is one. */
export function hostnameProblem(hostname: string): string | null {
  if (hostname === "") return "enter a hostname such as shop.example.com";
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(hostname) || hostname.includes("/")) return "enter the hostname only, without http:// or a path (e.g. shop.example.com)";
  if (hostname.includes("*")) return "wildcard domains are not supported: add each hostname (e.g. shop.example.com) on its own";
  if (hostname.includes(":") || /^\d+(\.\d+){3}$/.test(hostname)) return "is an IP address: a custom domain is a DNS name such as shop.example.com";
  if (hostname.length > HOSTNAME_MAX_LENGTH) return `is ${hostname.length} characters long; a hostname has at most ${HOSTNAME_MAX_LENGTH}`;
  if (/[^\x00-\x7f]/.test(hostname)) return "contains non-ASCII characters: enter the name in its punycode (xn--) form";
  const labels = hostname.split(".");
  if (labels.length < 2) return "needs at least two labels (e.g. shop.example.com or example.com)";
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined) {
    return bad === ""
      ? "has an empty label (two dots in a row, or a leading dot)"
      : `has the label "${bad}": each label is 1 to 63 letters, digits or hyphens, and does not start or end with a hyphen`;
  }
  // An all-numeric last label is never a top-level domain (RFC 3696), and refuses dotted IPv4 forms
  // such as 127.1 that a resolver or URL parser would read as an address.
  if (/^\d+$/.test(labels[labels.length - 1]!)) return "ends in a numeric label, which is not a top-level domain (an IP address?)";
  return null;
}
