"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input } from "@/components/ui/input";
import { CopyButton } from "@/components/ui/copy-button";
import { ShownOnce } from "@/components/ui/shown-once";
import type { WebhookSettingsDto } from "@/server/webhooks/schemas";
import { BRANCH_FILTER_MAX, GENERIC_DELIVERY_HEADER, GENERIC_SIGNATURE_HEADER } from "@/server/webhooks/constants";
import { useRotateWebhookSecret, useUpdateWebhookSettings, useWebhookSettings } from "./queries";

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Where each provider takes the URL and the secret: the README says the same at more length. */
function HowToConnect({ url }: { url: string }) {
  const steps: { name: string; body: React.ReactNode }[] = [
    {
      name: "GitHub",
      body: <>Repository <b>Settings → Webhooks → Add webhook</b>: <b>Payload URL</b> = the URL above, <b>Content type</b> = <code>application/json</code>, <b>Secret</b> = the secret; events: <i>Just the push event</i>.</>,
    },
    {
      name: "GitLab",
      body: <>Project <b>Settings → Webhooks → Add new webhook</b>: <b>URL</b> = the URL above, <b>Secret token</b> = the secret; trigger: <b>Push events</b>.</>,
    },
    {
      name: "Gitea / Forgejo",
      body: <>Repository <b>Settings → Webhooks → Add webhook → Gitea</b> (or Forgejo): <b>Target URL</b> = the URL above, <b>HTTP method</b> POST, <b>POST content type</b> <code>application/json</code>, <b>Secret</b> = the secret; trigger on push events.</>,
    },
    {
      name: "Bitbucket Cloud",
      body: <><b>Repository settings → Webhooks → Add webhook</b>: <b>URL</b> = the URL above, <b>Secret</b> = the secret; trigger: <b>Repository push</b>.</>,
    },
    {
      name: "Generic (any CI)",
      body: (
        <>
          POST a JSON body <code>{`{"ref":"refs/heads/main","sha":"<40 hex>"}`}</code> (optional <code>message</code>, <code>author</code>) with headers{" "}
          <code>{GENERIC_SIGNATURE_HEADER}: sha256=&lt;hex HMAC-SHA256 of the body with the secret&gt;</code> and <code>{GENERIC_DELIVERY_HEADER}: &lt;a unique id&gt;</code>:
          <pre className="mt-1 overflow-x-auto rounded-md bg-slate-50 p-2 font-mono text-xs text-slate-800">{[
            `body='{"ref":"refs/heads/main","sha":"'"$(git rev-parse HEAD)"'"}'`,
            `sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$SLIPWAY_WEBHOOK_SECRET" | sed 's/^.* //')`,
            `curl -fsS -X POST -H 'content-type: application/json' \\`,
            `  -H "${GENERIC_SIGNATURE_HEADER}: sha256=$sig" -H "${GENERIC_DELIVERY_HEADER}: $(cat /proc/sys/kernel/random/uuid)" \\`,
            `  --data "$body" ${url}`,
          ].join("\n")}</pre>
        </>
      ),
    },
  ];
  return (
    <details className="text-sm" data-testid="webhook-how-to">
      <summary className="cursor-pointer font-medium text-slate-700 hover:text-slate-900">How to connect your git provider</summary>
      <ul className="mt-2 space-y-2 text-slate-700">
        {steps.map((s) => (
          <li key={s.name}>
            <span className="font-medium text-slate-900">{s.name}:</span> {s.body}
          </li>
        ))}
      </ul>
      <p className="mt-2 text-xs text-slate-500">One URL serves every provider: Slipway tells them apart by their headers and checks each one&apos;s signature over the exact bytes sent.</p>
    </details>
  );
}

function BranchFilterForm({ appId, settings }: { appId: string; settings: WebhookSettingsDto }) {
  const update = useUpdateWebhookSettings(appId);
  const [saved, setSaved] = useState(false);
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    const branchFilter = String(new FormData(e.currentTarget).get("branchFilter") ?? "");
    update.mutate({ branchFilter }, { onSuccess: () => setSaved(true) });
  }
  return (
    <form onSubmit={onSubmit}>
      <Field
        label="Branches that deploy"
        htmlFor="push-branch-filter"
        hint={`Empty: the app's branch. Else an exact name or a glob: * within one part between slashes, ** across slashes, ? one character (e.g. release/*). Now: ${settings.effectiveBranchFilter}`}
      >
        <div className="flex gap-2">
          <Input
            id="push-branch-filter"
            name="branchFilter"
            data-testid="push-branch-filter"
            defaultValue={settings.branchFilter}
            placeholder={settings.effectiveBranchFilter}
            maxLength={BRANCH_FILTER_MAX}
            disabled={!settings.can.write}
            onChange={() => setSaved(false)}
          />
          {settings.can.write ? (
            <Button type="submit" variant="secondary" disabled={update.isPending} data-testid="save-push-branch-filter">
              Save
            </Button>
          ) : null}
        </div>
      </Field>
      <ErrorText error={update.error} />
      {saved ? <p role="status" className="mt-1 text-xs text-emerald-700">Saved: pushes to {update.data?.effectiveBranchFilter ?? settings.effectiveBranchFilter} deploy.</p> : null}
    </form>
  );
}

function RotateSecret({ appId, settings, onRotated }: { appId: string; settings: WebhookSettingsDto; onRotated: (secret: string) => void }) {
  const rotate = useRotateWebhookSecret(appId);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-center gap-2">
        {confirming ? (
          <>
            <span className="text-sm text-slate-700">
              Make a new secret? {settings.hasSecret ? `The current one keeps working for ${settings.rotationGraceHours} hours, time to paste the new one into your provider.` : ""}
            </span>
            <Button
              variant="danger"
              size="sm"
              data-testid="confirm-rotate-webhook-secret"
              disabled={rotate.isPending}
              onClick={() =>
                rotate.mutate(undefined, {
                  onSuccess: (r) => onRotated(r.secret),
                  onSettled: () => setConfirming(false),
                })
              }
            >
              Rotate
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>Cancel</Button>
          </>
        ) : (
          <Button variant="secondary" size="sm" data-testid="rotate-webhook-secret" onClick={() => { rotate.reset(); setConfirming(true); }}>
            {settings.hasSecret ? "Rotate secret…" : "Generate secret…"}
          </Button>
        )}
      </div>
      <ErrorText error={rotate.error} />
    </div>
  );
}

/**
 * Deploy on push: the switch, which branches deploy, the one webhook URL with its secret (shown
 * once, when generated or rotated), how to connect each provider, and what was refused.
 */
export function DeployOnPushCard({ appId }: { appId: string }) {
  const settings = useWebhookSettings(appId);
  const toggle = useUpdateWebhookSettings(appId);
  const [secret, setSecret] = useState<string | null>(null);

  if (settings.error) {
    return (
      <Card>
        <CardTitle>Deploy on push</CardTitle>
        <ErrorText error={settings.error} />
      </Card>
    );
  }
  if (!settings.data) {
    return (
      <Card>
        <CardTitle>Deploy on push</CardTitle>
        <p className="text-sm text-slate-500">Loading…</p>
      </Card>
    );
  }
  const s = settings.data;

  return (
    <Card data-testid="deploy-on-push-card">
      <div className="mb-3 flex items-center gap-3">
        <CardTitle className="mb-0">Deploy on push</CardTitle>
        {s.deployOnPush ? <Badge tone="success">on</Badge> : <Badge>off</Badge>}
        <Link href={`/apps/${appId}/deliveries`} className="ml-auto text-sm text-blue-700 hover:underline" data-testid="deliveries-link">
          Deliveries →
        </Link>
      </div>
      <div className="space-y-4">
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5 h-4 w-4"
            data-testid="deploy-on-push"
            checked={toggle.isPending && toggle.variables?.deployOnPush !== undefined ? toggle.variables.deployOnPush : s.deployOnPush}
            disabled={!s.can.write || toggle.isPending}
            onChange={(e) =>
              toggle.mutate(
                { deployOnPush: e.currentTarget.checked },
                { onSuccess: (r) => { if (r.secret) setSecret(r.secret); } },
              )
            }
          />
          <span>
            Build and deploy when a push to <span className="font-mono">{s.effectiveBranchFilter}</span> reaches the webhook below.
            {!s.can.write ? <span className="block text-xs text-slate-500">Read-only: your role may not change these settings.</span> : null}
          </span>
        </label>
        <ErrorText error={toggle.error} />

        <div>
          <p className="mb-1 text-xs font-medium text-slate-600">Webhook URL</p>
          <div className="flex items-center gap-2">
            <code className="min-w-0 flex-1 truncate rounded-md bg-slate-50 px-2 py-1.5 font-mono text-xs text-slate-800" data-testid="webhook-url" title={s.url}>{s.url}</code>
            <CopyButton value={s.url} label="Copy the webhook URL" size="sm" />
          </div>
        </div>

        {secret ? (
          <ShownOnce value={secret} label="Webhook secret" testId="webhook-secret" onDone={() => setSecret(null)} footer={s.previousSecretExpiresAt ? `The previous secret keeps working until ${formatTime(s.previousSecretExpiresAt)}.` : undefined}>
            Paste this secret into your provider&apos;s webhook settings now: it is shown only once.
          </ShownOnce>
        ) : (
          <p className="text-sm text-slate-600">
            {s.hasSecret ? "A secret is set. It was shown once, when it was made: rotate for a new one." : "No secret yet: one is made when deploy on push is first turned on."}
            {s.previousSecretExpiresAt ? ` The previous secret is still accepted until ${formatTime(s.previousSecretExpiresAt)}.` : ""}
          </p>
        )}
        {s.can.write ? <RotateSecret appId={appId} settings={s} onRotated={setSecret} /> : null}

        <BranchFilterForm appId={appId} settings={s} />

        <div className="text-sm" data-testid="webhook-rejected">
          {s.rejectedCount === 0 ? (
            <span className="text-slate-500">No request has been refused.</span>
          ) : (
            <span className="text-amber-800">
              {s.rejectedCount} request{s.rejectedCount === 1 ? "" : "s"} refused for a bad or missing signature
              {s.lastRejectedAt ? `; last ${formatTime(s.lastRejectedAt)}` : ""}
              {s.lastRejectReason ? `: ${s.lastRejectReason}` : ""}. Check the secret in your provider.
            </span>
          )}
        </div>

        <HowToConnect url={s.url} />
      </div>
    </Card>
  );
}
