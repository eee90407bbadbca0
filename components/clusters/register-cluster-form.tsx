"use client";

import { useState, type ChangeEvent, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardTitle } from "@/components/ui/card";
import { ErrorText } from "@/components/ui/error-text";
import { Field, Input, Textarea } from "@/components/ui/input";
import { MAX_KUBECONFIG_BYTES } from "@/server/clusters/constants";
import { ProbeResult } from "./cluster-status";
import { useRegisterCluster } from "./queries";

/** Platform admins only (the API refuses anyone else). The kubeconfig is read in the browser and sent as text. */
export function RegisterClusterForm() {
  const register = useRegisterCluster();
  const [kubeconfig, setKubeconfig] = useState("");
  const [fileError, setFileError] = useState<string | null>(null);

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    if (file.size > MAX_KUBECONFIG_BYTES) {
      setFileError(`${file.name} is ${Math.ceil(file.size / 1024)} KiB; a kubeconfig may be at most 256 KiB.`);
      return;
    }
    setFileError(null);
    setKubeconfig(await file.text());
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const optional = (k: string) => String(f.get(k) ?? "").trim() || undefined;
    register.mutate(
      {
        name: String(f.get("name") ?? "").trim(),
        kubeconfig,
        imageRegistry: optional("imageRegistry"),
        ingressClassName: optional("ingressClassName"),
        ingressNamespace: optional("ingressNamespace"),
        ingressDomain: optional("ingressDomain"),
        appNodeSelector: optional("appNodeSelector"),
        storageClassName: optional("storageClassName"),
      },
      {
        onSuccess: () => {
          form.reset();
          setKubeconfig("");
        },
      },
    );
  }

  return (
    <Card>
      <CardTitle>Register a cluster (platform admin)</CardTitle>
      <form onSubmit={onSubmit} className="space-y-3">
        <Field label="Name" htmlFor="cluster-name" hint="Lowercase letters, digits and '-'. Projects choose it as cluster:<name>; it cannot be renamed.">
          <Input id="cluster-name" name="name" placeholder="prod" required />
        </Field>
        <Field label="Kubeconfig" htmlFor="cluster-kubeconfig" hint="Paste it or choose the file. Credentials must be inline (token or client certificate data; no exec plugins or file paths). It is stored encrypted and never shown again.">
          <input type="file" aria-label="Kubeconfig file" accept=".yaml,.yml,.conf,.config,.kubeconfig,text/yaml,application/x-yaml,text/plain" onChange={onFile} className="mb-2 block text-xs" />
          <Textarea id="cluster-kubeconfig" rows={8} value={kubeconfig} onChange={(e) => setKubeconfig(e.target.value)} placeholder="apiVersion: v1&#10;kind: Config&#10;clusters: …" required spellCheck={false} />
        </Field>
        <details className="text-sm">
          <summary className="cursor-pointer text-slate-600">Registry and ingress (optional)</summary>
          <div className="mt-3 grid grid-cols-2 gap-3">
            <Field label="Image registry" htmlFor="cluster-registry" hint="host[:port][/path] the cluster pulls from; empty: its nodes share the build engine.">
              <Input id="cluster-registry" name="imageRegistry" placeholder="registry.example.com/slipway" />
            </Field>
            <Field label="Ingress class" htmlFor="cluster-ingress-class">
              <Input id="cluster-ingress-class" name="ingressClassName" placeholder="nginx" />
            </Field>
            <Field label="Ingress controller namespace" htmlFor="cluster-ingress-ns" hint="Default: ingress-nginx.">
              <Input id="cluster-ingress-ns" name="ingressNamespace" placeholder="ingress-nginx" />
            </Field>
            <Field label="Ingress domain" htmlFor="cluster-ingress-domain">
              <Input id="cluster-ingress-domain" name="ingressDomain" placeholder="apps.example.com" />
            </Field>
            <Field label="App nodes (labels; pods also tolerate their NoSchedule taints)" htmlFor="cluster-app-nodes">
              <Input id="cluster-app-nodes" name="appNodeSelector" placeholder="dedicated=slipway" />
            </Field>
            <Field label="Storage class for volumes" htmlFor="cluster-storage-class" hint="The StorageClass of volumes' PersistentVolumeClaims; empty: the cluster's default class.">
              <Input id="cluster-storage-class" name="storageClassName" placeholder="standard" />
            </Field>
          </div>
        </details>
        <ErrorText error={fileError ?? register.error} />
        <Button type="submit" disabled={register.isPending || !kubeconfig}>{register.isPending ? "Registering and probing…" : "Register cluster"}</Button>
      </form>
      {register.data ? (
        <div className="mt-4">
          <p className="mb-1 text-sm font-medium">Registered {register.data.name}.</p>
          <ProbeResult cluster={register.data} />
        </div>
      ) : null}
    </Card>
  );
}
