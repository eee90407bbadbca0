import { describe, expect, it } from "vitest";
import { describeProbeError, probeFailureHint } from "@/server/clusters/probe-failure";

describe("describeProbeError", () => {
  it("keeps a network error's message on one line", () => {
    expect(describeProbeError(new Error("request to https://127.0.0.1:9/version failed,\n reason: connect ECONNREFUSED 127.0.0.1:9"))).toBe(
      "request to https://127.0.0.1:9/version failed, reason: connect ECONNREFUSED 127.0.0.1:9",
    );
  });

  it("turns an API answer into its status code and message, without the response headers", () => {
    const apiException = Object.assign(new Error('HTTP-Code: 401\nMessage: Unauthorized\nBody: undefined\nHeaders: {"date":"x"}'), { code: 401, body: undefined });
    expect(describeProbeError(apiException)).toBe("The API server answered HTTP 401: Unauthorized");
    const withBody = Object.assign(new Error("HTTP-Code: 403\nMessage: Unknown API Status Code!"), { code: 403, body: '{"kind":"Status","message":"forbidden: User \\"x\\" cannot get path \\"/version\\""}' });
    expect(describeProbeError(withBody)).toBe('The API server answered HTTP 403: forbidden: User "x" cannot get path "/version"');
    const bare = Object.assign(new Error("HTTP-Code: 500\nMessage: Unknown API Status Code!"), { code: 500 });
    expect(describeProbeError(bare)).toBe("The API server answered HTTP 500");
  });

  it("bounds the length", () => {
    const text = describeProbeError(new Error("x".repeat(5000)));
    expect(text.length).toBe(500);
    expect(text.endsWith("…")).toBe(true);
  });

  it("describes non-errors too", () => {
    expect(describeProbeError("boom")).toBe("boom");
    expect(describeProbeError(new Error("  "))).toBe("unknown error");
  });
});

describe("probeFailureHint", () => {
  it.each([
    ["connect ECONNREFUSED 127.0.0.1:9", /Nothing accepts connections/],
    ["getaddrinfo ENOTFOUND api.example.invalid", /does not resolve/],
    ["no answer from https://10.0.0.1:6443 within 10 s", /No answer in time/],
    ["connect EHOSTUNREACH 10.0.0.1:6443", /No answer in time/],
    ["self-signed certificate in certificate chain", /certificate-authority-data/],
    ["Hostname/IP does not match certificate's altnames", /certificate-authority-data/],
    ["The API server answered HTTP 401: Unauthorized", /refused the credentials/],
    ["The API server answered HTTP 403: forbidden", /may not read the server version/],
    ["something else", /Check the kubeconfig/],
  ])("%s", (error, hint) => {
    const text = probeFailureHint(error);
    expect(text).toMatch(hint);
    expect(text).toMatch(/Check now/);
  });
});
