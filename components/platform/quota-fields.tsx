import { Field, Input } from "@/components/ui/input";
import type { TeamQuotaInput } from "@/server/quotas/schemas";
import { BUILD_TIMEOUT_MAX_SECONDS, BUILD_TIMEOUT_MIN_SECONDS } from "@/server/quotas/constants";

/** The numbers of a team ceiling, as form fields named cpu, memory, storage, apps, builds, build-timeout. */
export function QuotaFields({ idPrefix, value }: { idPrefix: string; value: TeamQuotaInput }) {
  const id = (k: string) => `${idPrefix}-${k}`;
  return (
    <>
      <Field label="CPU (millicores)" htmlFor={id("cpu")}><Input id={id("cpu")} name="cpu" type="number" min={0} required defaultValue={value.cpuMillicores} /></Field>
      <Field label="Memory (MiB)" htmlFor={id("memory")}><Input id={id("memory")} name="memory" type="number" min={0} required defaultValue={value.memoryMib} /></Field>
      <Field label="Storage (GiB)" htmlFor={id("storage")}><Input id={id("storage")} name="storage" type="number" min={0} required defaultValue={value.storageGib} /></Field>
      <Field label="Apps" htmlFor={id("apps")}><Input id={id("apps")} name="apps" type="number" min={0} required defaultValue={value.maxApps} /></Field>
      <Field label="Concurrent builds" htmlFor={id("builds")}><Input id={id("builds")} name="builds" type="number" min={0} required defaultValue={value.maxConcurrentBuilds} /></Field>
      <Field label="Build time limit (seconds)" htmlFor={id("build-timeout")}>
        <Input id={id("build-timeout")} name="build-timeout" type="number" min={BUILD_TIMEOUT_MIN_SECONDS} max={BUILD_TIMEOUT_MAX_SECONDS} required defaultValue={value.buildTimeoutSeconds ?? 1800} />
      </Field>
    </>
  );
}

export function readQuotaFields(form: HTMLFormElement): TeamQuotaInput {
  const f = new FormData(form);
  const n = (k: string) => Number(f.get(k));
  return { cpuMillicores: n("cpu"), memoryMib: n("memory"), storageGib: n("storage"), maxApps: n("apps"), maxConcurrentBuilds: n("builds"), buildTimeoutSeconds: n("build-timeout") };
}
