import { describe, expect, it } from "vitest";
import { readKubeconfig } from "@/server/clusters/read-kubeconfig";
import { AppError } from "@/server/errors";

const base = (user: string, cluster = "    certificate-authority-data: Y2E=") => `
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://k8s.example.test:6443
${cluster}
users:
- name: u
  user:
${user}
contexts:
- name: ctx
  context: { cluster: c, user: u }
current-context: ctx
`;

function refusal(yaml: string): AppError {
  try {
    readKubeconfig(yaml);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("readKubeconfig", () => {
  it("reads a kubeconfig with inline credentials", () => {
    expect(readKubeconfig(base("    token: abc")).getCurrentCluster()?.server).toBe("https://k8s.example.test:6443");
    expect(readKubeconfig(base("    client-certificate-data: Y2VydA==\n    client-key-data: a2V5")).getCurrentUser()?.name).toBe("u");
  });

  it("refuses commands and files on the server, naming each", () => {
    const e = refusal(base("    exec: { command: /bin/sh, apiVersion: client.authentication.k8s.io/v1 }\n    auth-provider: { name: gcp }"));
    expect(e.code).toBe("VALIDATION");
    expect(e.fields).toEqual([{ path: "kubeconfig", message: e.message }]);
    expect(e.message).toMatch(/user "u" runs a command to get credentials \("exec"\)/);
    expect(e.message).toMatch(/user "u" uses an auth provider plugin \("auth-provider"\)/);
    expect(refusal(base("    token-file: /etc/shadow")).message).toMatch(/token from a file/);
    expect(refusal(base("    token: abc", "    certificate-authority: /etc/ca.pem")).message).toMatch(/cluster "c" reads its CA from a file/);
  });

  it("refuses file keys in flow style and in quoted keys too", () => {
    const flow = `{"apiVersion":"v1","clusters":[{"name":"c","cluster":{"server":"https://x:6443"}}],"users":[{"name":"u","user":{"token-file":"/etc/shadow"}}],"contexts":[{"name":"x","context":{"cluster":"c","user":"u"}}],"current-context":"x"}`;
    expect(refusal(flow).message).toMatch(/"token-file"/);
    expect(refusal(base('    "token\\x2dfile": /etc/shadow')).message).toMatch(/"token-file"/);
  });

  it("says where YAML is broken without quoting its lines", () => {
    const e = refusal("users:\n- name: u\n  user:\n    token: s3cret\n   bad: [");
    expect(e.message).toMatch(/not valid YAML: .* \(line \d+, column \d+\)/);
    expect(e.message).not.toContain("s3cret");
  });

  it("refuses a document that is not a kubeconfig", () => {
    expect(refusal("- a\n- b").message).toMatch(/must be a YAML mapping/);
    expect(refusal(base("    token: abc").replace("current-context: ctx", "")).message).toMatch(/no current context/);
  });
});
