// The custom domains card renders what the API returns: a pending domain with the exact TXT
// record, the HTTP alternative, the last check's finding and the buttons; a verified one with its
// HTTPS address; no change buttons for a viewer.
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { DomainsCard } from "@/components/domains/domains-card";
import { domainKeys } from "@/components/domains/queries";
import type { DomainDto } from "@/server/domains/constants";

const base = {
  appId: "app1",
  lastCheckAt: null,
  lastCheckError: null,
  createdAt: "2026-11-28T10:00:00.000Z",
  cnameTarget: "web.shop.acme.apps.example.com",
};
const pending: DomainDto = {
  ...base,
  id: "d1",
  hostname: "shop.example.com",
  status: "pending",
  verifiedAt: null,
  lastCheckAt: "2026-11-28T10:05:00.000Z",
  lastCheckError: "No TXT record _slipway-challenge.shop.example.com with the token was found (found: none). Add it and check again; DNS changes can take minutes.",
  txtRecord: { name: "_slipway-challenge.shop.example.com", value: "tok-abc_123" },
  httpChallenge: { url: "http://shop.example.com/.well-known/slipway-challenge/d1", body: "tok-abc_123" },
};
const verified: DomainDto = {
  ...base,
  id: "d2",
  hostname: "www.example.com",
  status: "verified",
  verifiedAt: "2026-11-28T11:00:00.000Z",
  txtRecord: { name: "_slipway-challenge.www.example.com", value: "tok-www" },
  httpChallenge: { url: "http://www.example.com/.well-known/slipway-challenge/d2", body: "tok-www" },
};

function render(canWrite: boolean, domains: DomainDto[]): string {
  const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity } } });
  client.setQueryData(domainKeys.list("app1"), domains);
  return renderToString(createElement(QueryClientProvider, { client }, createElement(DomainsCard, { appId: "app1", canWrite })));
}

describe("custom domains card", () => {
  it("shows a pending domain's TXT record, the HTTP alternative and the last check; a verified one's address", () => {
    const html = render(true, [pending, verified]);
    expect(html).toContain('data-testid="domain-txt-name">_slipway-challenge.shop.example.com<');
    expect(html).toContain('data-testid="domain-txt-value">tok-abc_123<');
    expect(html).toContain('data-testid="domain-cname-target">web.shop.acme.apps.example.com<');
    expect(html).toContain("http://shop.example.com/.well-known/slipway-challenge/d1");
    expect(html).toContain("No TXT record _slipway-challenge.shop.example.com with the token was found");
    expect(html).toContain(">pending<");
    expect(html).toContain(">verified<");
    expect(html).toContain("https://www.example.com/");
    // The verified domain shows no proof instructions of its own.
    expect(html).not.toContain("tok-www");
    expect(html.match(/data-testid="domain-check"/g)).toHaveLength(1);
    expect(html.match(/data-testid="domain-remove"/g)).toHaveLength(2);
    expect(html).toContain('data-testid="domain-add"');
    expect(html).toContain("2<!-- --> of <!-- -->20");
  });

  it("gives a viewer no buttons that change anything", () => {
    const html = render(false, [pending, verified]);
    expect(html).toContain("_slipway-challenge.shop.example.com");
    expect(html).not.toContain('data-testid="domain-check"');
    expect(html).not.toContain('data-testid="domain-remove"');
    expect(html).not.toContain('data-testid="domain-add"');
  });
});
