"use client";

// An app's custom domains: add one, prove control of it (the exact TXT record to add, or the
// hostname pointed at this Slipway), check now, see what the last check found, remove.
import { useState, type FormEvent } from "react";
import { ApiError } from "@/components/api-client";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { ErrorText } from "@/components/ui/error-text";
import { Input } from "@/components/ui/input";
import { MAX_DOMAINS_PER_APP, type DomainDto } from "@/server/domains/constants";
import { useAddDomain, useDomains, useRemoveDomain, useVerifyDomain } from "./queries";

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function Copyable({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="flex items-center gap-2">
      <span className="w-12 shrink-0 text-xs text-slate-500">{label}</span>
      <code className="min-w-0 flex-1 break-all rounded bg-slate-50 px-2 py-1 font-mono text-xs text-slate-800" data-testid={testId}>{value}</code>
      <CopyButton value={value} label={`Copy ${label.toLowerCase()}`} size="sm" />
    </div>
  );
}

/** The two ways to prove control, with the exact values to enter. */
function HowToProve({ domain }: { domain: DomainDto }) {
  return (
    <div className="space-y-3 text-sm text-slate-700">
      <div className="space-y-1">
        <p><span className="font-medium text-slate-900">By DNS:</span> add this TXT record at your DNS provider.</p>
        <Copyable label="Name" value={domain.txtRecord.name} testId="domain-txt-name" />
        <Copyable label="Value" value={domain.txtRecord.value} testId="domain-txt-value" />
      </div>
      <div className="space-y-1">
        <p>
          <span className="font-medium text-slate-900">Or by HTTP:</span> point <code className="font-mono text-xs">{domain.hostname}</code> at this Slipway, with an A/AAAA
          record to its public address or a CNAME record to the app&apos;s own hostname. Slipway then answers{" "}
          <code className="break-all font-mono text-xs">{domain.httpChallenge.url}</code> with the token itself.
        </p>
        <Copyable label="CNAME" value={domain.cnameTarget} testId="domain-cname-target" />
      </div>
      <p className="text-xs text-slate-500">DNS changes can take minutes to be seen. Traffic is routed to the app, with HTTPS, once the domain is verified.</p>
    </div>
  );
}

function DomainRow({ appId, domain, canWrite }: { appId: string; domain: DomainDto; canWrite: boolean }) {
  const verify = useVerifyDomain(appId);
  const remove = useRemoveDomain(appId);
  const [confirming, setConfirming] = useState(false);
  const verified = domain.status === "verified";
  // A failed check (422) or a hostname taken first (409) is kept on the domain and shown below as
  // the last check; only other failures (a refused role, the server) need their own message.
  const checkError = verify.error instanceof ApiError && (verify.error.status === 422 || verify.error.status === 409) ? null : verify.error;

  return (
    <li className="space-y-3 py-4 first:pt-0 last:pb-0" data-testid="domain-row" data-hostname={domain.hostname}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-medium text-slate-900">{domain.hostname}</span>
        {verified ? (
          <Badge tone="success" data-testid="domain-status">verified</Badge>
        ) : (
          <Badge tone="warning" data-testid="domain-status">pending</Badge>
        )}
        {canWrite ? (
          <div className="ml-auto flex items-center gap-2">
            {!verified ? (
              <Button size="sm" variant="secondary" disabled={verify.isPending} onClick={() => verify.mutate({ domainId: domain.id })} data-testid="domain-check">
                {verify.isPending ? "Checking…" : "Check now"}
              </Button>
            ) : null}
            {confirming ? (
              <>
                <Button size="sm" variant="danger" disabled={remove.isPending} onClick={() => remove.mutate(domain.id, { onSettled: () => setConfirming(false) })} data-testid="domain-remove-confirm">
                  Remove
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>Cancel</Button>
              </>
            ) : (
              <Button size="sm" variant="ghost" onClick={() => { remove.reset(); setConfirming(true); }} data-testid="domain-remove">
                Remove…
              </Button>
            )}
          </div>
        ) : null}
      </div>
      {verified ? (
        <p className="text-sm text-slate-600">
          Verified {domain.verifiedAt ? formatTime(domain.verifiedAt) : ""}: served at{" "}
          <a href={`https://${domain.hostname}/`} target="_blank" rel="noreferrer" className="font-mono text-blue-700 underline">https://{domain.hostname}/</a>
        </p>
      ) : (
        <>
          <HowToProve domain={domain} />
          {domain.lastCheckError ? (
            <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="domain-last-check">
              {domain.lastCheckAt ? <span className="font-medium">Checked {formatTime(domain.lastCheckAt)}: </span> : null}
              {domain.lastCheckError}
            </p>
          ) : null}
        </>
      )}
      <ErrorText error={checkError ?? remove.error} />
    </li>
  );
}

function AddDomainForm({ appId, full }: { appId: string; full: boolean }) {
  const add = useAddDomain(appId);
  const [hostname, setHostname] = useState("");
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    add.mutate(hostname, { onSuccess: () => setHostname("") });
  }
  return (
    <form onSubmit={onSubmit} className="space-y-1">
      <div className="flex gap-2">
        <Input
          aria-label="Hostname"
          placeholder="shop.example.com"
          value={hostname}
          onChange={(e) => setHostname(e.currentTarget.value)}
          disabled={full}
          data-testid="domain-hostname"
        />
        <Button type="submit" variant="secondary" disabled={add.isPending || full || hostname.trim() === ""} data-testid="domain-add">
          Add domain
        </Button>
      </div>
      {full ? <p className="text-xs text-slate-500">An app has at most {MAX_DOMAINS_PER_APP} custom domains; remove one to add another.</p> : null}
      <ErrorText error={add.error} />
    </form>
  );
}

export function DomainsCard({ appId, canWrite }: { appId: string; canWrite: boolean }) {
  const domains = useDomains(appId);
  const list = domains.data ?? [];
  return (
    <Card data-testid="domains-card">
      <div className="mb-3 flex items-center gap-3">
        <CardTitle className="mb-0">Custom domains</CardTitle>
        {domains.data ? <span className="text-xs text-slate-500">{list.length} of {MAX_DOMAINS_PER_APP}</span> : null}
      </div>
      <div className="space-y-4">
        {domains.error ? <ErrorText error={domains.error} /> : null}
        {!domains.data && !domains.error ? <p className="text-sm text-slate-500">Loading…</p> : null}
        {domains.data && list.length === 0 ? (
          <p className="text-sm text-slate-500">Serve this app at a hostname of your own: add it, prove you control it (a TXT record, or the name pointed here), and Slipway routes it with HTTPS.</p>
        ) : null}
        {list.length ? (
          <ul className="divide-y divide-slate-100">
            {list.map((d) => (
              <DomainRow key={d.id} appId={appId} domain={d} canWrite={canWrite} />
            ))}
          </ul>
        ) : null}
        {canWrite ? <AddDomainForm appId={appId} full={list.length >= MAX_DOMAINS_PER_APP} /> : null}
      </div>
    </Card>
  );
}
