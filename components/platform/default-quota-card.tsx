"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { QuotaFields, readQuotaFields } from "./quota-fields";
import { useDefaultQuota, useUpdateDefaultQuota } from "./queries";

/** The ceiling every new team starts with; existing teams keep their own. */
export function DefaultQuotaCard() {
  const q = useDefaultQuota();
  const update = useUpdateDefaultQuota();
  const [saved, setSaved] = useState(false);
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaved(false);
    update.mutate(readQuotaFields(e.currentTarget), { onSuccess: () => setSaved(true) });
  }
  return (
    <Card>
      <CardTitle>Default quota for new teams</CardTitle>
      <ErrorText error={q.error} />
      {q.data ? (
        <form onSubmit={onSubmit} className="grid grid-cols-2 gap-3 lg:grid-cols-6" data-testid="default-quota-form">
          <QuotaFields idPrefix="dq" value={q.data} />
          <div className="col-span-2 flex items-center gap-2 lg:col-span-6">
            <Button type="submit" size="sm" disabled={update.isPending}>Save default</Button>
            {saved ? <span className="text-xs text-slate-500">Saved. Teams created from now on start with it.</span> : null}
          </div>
          <div className="col-span-2 lg:col-span-6"><ErrorText error={update.error} /></div>
        </form>
      ) : null}
    </Card>
  );
}
