import { describe, expect, test } from "bun:test";
import { ResourceConflictException } from "@aws-sdk/client-lambda";
import { callAws, isThrottling, toStepError } from "../../deploy/aws-call.ts";
import type { DeployContext } from "../../deploy/context.ts";
import { AccessDeniedError, AwsStepError, CredentialsError } from "../../deploy/errors.ts";
import { Reporter } from "../../deploy/output.ts";
import { canonicalPolicy } from "../../deploy/policies.ts";

const SPEC = { resource: "function thermo-prod", action: "lambda:UpdateFunctionCode" };
const named = (name: string, message = "boom") => Object.assign(new Error(message), { name });

function context(lines: string[] = []): DeployContext {
  let nowMs = 0;
  const clock = { now: () => nowMs, random: () => 0.5, sleep: async (ms: number) => void (nowMs += ms) };
  return { clock, reporter: new Reporter({ isPlan: false, write: (line) => lines.push(line), now: clock.now }) } as unknown as DeployContext;
}

describe("toStepError", () => {
  test("access denied keeps code, action and cause", () => {
    const cause = named("AccessDeniedException", "User: x is not authorized to perform: lambda:UpdateFunctionCode on resource: y");

    const error = toStepError(cause, SPEC) as AccessDeniedError;

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.code).toBe("AccessDeniedException");
    expect(error.action).toBe("lambda:UpdateFunctionCode");
    expect(error.resource).toBe("function thermo-prod");
    expect(error.cause).toBe(cause);
  });

  test("credentials provider error", () => {
    expect(toStepError(named("CredentialsProviderError", "Could not load credentials from any providers"), SPEC)).toBeInstanceOf(CredentialsError);
  });

  test("network error hints at endpoints", () => {
    const error = toStepError(named("Error", "connect ECONNREFUSED 127.0.0.1:9"), SPEC) as AwsStepError;

    expect(error.hint).toContain("AWS_ENDPOINT_URL_");
  });
});

describe("callAws", () => {
  test("throttling is retried, conflict is not by default", async () => {
    let calls = 0;
    const conflict = new ResourceConflictException({ message: "busy", $metadata: {} });

    const result = await callAws(context(), SPEC, async () => {
      calls += 1;
      if (calls < 3) throw named("ThrottlingException");
      return "ok";
    });
    const failure = await callAws(context(), SPEC, async () => {
      throw conflict;
    }).catch((error: unknown) => error);

    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(failure).toBeInstanceOf(AwsStepError);
    expect((failure as AwsStepError).code).toBe("ResourceConflictException");
    expect((failure as AwsStepError).cause).toBe(conflict);
  });

  test("beforeRetry runs between attempts", async () => {
    const order: string[] = [];
    let calls = 0;

    await callAws(
      context(),
      { ...SPEC, retryIf: (error) => (error as Error).name === "ResourceConflictException", beforeRetry: async () => void order.push("wait") },
      async () => {
        order.push("send");
        if (++calls === 1) throw named("ResourceConflictException");
      },
    );

    expect(order).toEqual(["send", "wait", "send"]);
  });

  test("isThrottling knows each service's code", () => {
    for (const code of ["Throttling", "ThrottlingException", "TooManyRequestsException"]) expect(isThrottling(named(code))).toBe(true);
    expect(isThrottling(named("ResourceConflictException"))).toBe(false);
  });
});

describe("canonicalPolicy", () => {
  test("ignores key order, single-item arrays and AWS star", () => {
    const a = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: ["x:Y"], Resource: "r" }] };
    const b = { Statement: [{ Resource: ["r"], Action: "x:Y", Principal: "*", Effect: "Allow" }], Version: "2012-10-17" };

    expect(canonicalPolicy(a)).toBe(canonicalPolicy(b));
    expect(canonicalPolicy(a)).not.toBe(canonicalPolicy({ ...b, Version: "2008-10-17" }));
  });
});
