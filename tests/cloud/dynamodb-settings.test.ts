/** loadDynamoDBSettings and defaultEndpoint: precedence, derived endpoints and every problem named. No request is sent. */
import { describe, expect, test } from "bun:test";
import { ConfigError } from "../../cloud/errors.ts";
import { defaultEndpoint, loadDynamoDBSettings } from "../../cloud/store/dynamodb-settings.ts";
import { redactEndpoint } from "../../cloud/store/redact-endpoint.ts";

const CREDENTIALS = { AWS_ACCESS_KEY_ID: "AKIDSETTINGS", AWS_SECRET_ACCESS_KEY: "settings-secret" };
const LAMBDA_LIKE = { AWS_REGION: "eu-central-1", ...CREDENTIALS, AWS_SESSION_TOKEN: "settings-session-token" };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadDynamoDBSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("loadDynamoDBSettings accepted the environment");
}

describe("defaultEndpoint", () => {
  test.each([
    ["us-east-1", "https://dynamodb.us-east-1.amazonaws.com/"],
    ["ap-southeast-2", "https://dynamodb.ap-southeast-2.amazonaws.com/"],
    ["us-gov-west-1", "https://dynamodb.us-gov-west-1.amazonaws.com/"],
    ["cn-north-1", "https://dynamodb.cn-north-1.amazonaws.com.cn/"],
    ["cn-northwest-1", "https://dynamodb.cn-northwest-1.amazonaws.com.cn/"],
  ])("%s is %s", (region, endpoint) => {
    expect(defaultEndpoint(region)).toBe(endpoint);
  });

  test("rejects non-region", () => {
    expect(() => defaultEndpoint("evil.example.com/x")).toThrow(RangeError);
  });
});

describe("loadDynamoDBSettings", () => {
  test("Lambda environment", () => {
    const settings = loadDynamoDBSettings(LAMBDA_LIKE);

    expect(settings).toEqual({
      endpoint: "https://dynamodb.eu-central-1.amazonaws.com/",
      region: "eu-central-1",
      credentials: { accessKeyId: "AKIDSETTINGS", secretAccessKey: "settings-secret", sessionToken: "settings-session-token" },
    });
    expect(Object.isFrozen(settings)).toBe(true);
  });

  test("session token optional", () => {
    expect(loadDynamoDBSettings({ AWS_REGION: "us-east-1", ...CREDENTIALS, AWS_SESSION_TOKEN: " " }).credentials.sessionToken).toBeUndefined();
  });

  test("AWS_DEFAULT_REGION used without AWS_REGION", () => {
    expect(loadDynamoDBSettings({ AWS_DEFAULT_REGION: "sa-east-1", ...CREDENTIALS }).region).toBe("sa-east-1");
  });

  test("AWS_REGION wins over AWS_DEFAULT_REGION", () => {
    expect(loadDynamoDBSettings({ AWS_REGION: "us-west-2", AWS_DEFAULT_REGION: "sa-east-1", ...CREDENTIALS }).region).toBe("us-west-2");
  });

  test("service endpoint wins over global", () => {
    const settings = loadDynamoDBSettings({ ...LAMBDA_LIKE, AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:8000", AWS_ENDPOINT_URL: "http://127.0.0.1:4566" });

    expect(settings.endpoint).toBe("http://127.0.0.1:8000/");
  });

  test("global endpoint used alone", () => {
    expect(loadDynamoDBSettings({ ...LAMBDA_LIKE, AWS_ENDPOINT_URL: "http://127.0.0.1:4566/" }).endpoint).toBe("http://127.0.0.1:4566/");
  });

  test("custom endpoint keeps its path", () => {
    expect(loadDynamoDBSettings({ ...LAMBDA_LIKE, AWS_ENDPOINT_URL_DYNAMODB: "https://proxy.internal.test/dynamodb" }).endpoint).toBe("https://proxy.internal.test/dynamodb");
  });

  test("missing region named", () => {
    expect(problemsOf(CREDENTIALS)).toEqual(["AWS_REGION is not set; set it to the table's region, such as us-east-1 (Lambda sets it for the function)"]);
  });

  test("invalid region quoted", () => {
    expect(problemsOf({ ...CREDENTIALS, AWS_DEFAULT_REGION: "US East" })).toEqual(['AWS_DEFAULT_REGION "US East" is not a region name such as "us-east-1"']);
  });

  test("both keys missing named together", () => {
    const problems = problemsOf({ AWS_REGION: "us-east-1", AWS_SESSION_TOKEN: "orphan-token" });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; ");
    expect(problems[0]).toContain("profiles, SSO and instance roles are not read");
    expect(problems[0]).not.toContain("orphan-token");
  });

  test.each(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])("missing %s named without values", (missing) => {
    const problems = problemsOf({ ...LAMBDA_LIKE, [missing]: "" });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith(`${missing} is not set; `);
    for (const value of Object.values(LAMBDA_LIKE)) expect(problems[0]).not.toContain(value);
  });

  test("every problem reported at once", () => {
    const problems = problemsOf({ AWS_ENDPOINT_URL_DYNAMODB: "not a url" });

    expect(problems).toHaveLength(3);
    expect(problems[0]).toStartWith("AWS_REGION is not set");
    expect(problems[1]).toBe('AWS_ENDPOINT_URL_DYNAMODB must be an http or https URL such as http://127.0.0.1:8000, got "not a url"');
    expect(problems[2]).toStartWith("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
  });

  test.each([
    ["ftp://127.0.0.1/", "must be an http or https URL without a query or fragment"],
    ["http://127.0.0.1:8000/?x=1", "must be an http or https URL without a query or fragment"],
  ])("endpoint %s rejected", (endpoint, message) => {
    expect(problemsOf({ ...LAMBDA_LIKE, AWS_ENDPOINT_URL: endpoint })[0]).toContain(`AWS_ENDPOINT_URL ${message}`);
  });

  test("endpoint with password not quoted", () => {
    const problems = problemsOf({ ...LAMBDA_LIKE, AWS_ENDPOINT_URL_DYNAMODB: "http://user:hunter2@127.0.0.1:8000/" });

    expect(problems[0]).toStartWith("AWS_ENDPOINT_URL_DYNAMODB must not contain a user name or password");
    expect(problems[0]).not.toContain("hunter2");
  });

  test.each(["http://127.0.0.1:8000/?x=SUPERSECRET", "http://127.0.0.1:8000/#SUPERSECRET", "not a url?x=SUPERSECRET"])("problem for %s redacted", (endpoint) => {
    const problems = problemsOf({ ...LAMBDA_LIKE, AWS_ENDPOINT_URL_DYNAMODB: endpoint });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith("AWS_ENDPOINT_URL_DYNAMODB must be an http or https URL");
    expect(problems[0]).toContain(JSON.stringify(redactEndpoint(endpoint)));
    expect(problems[0]).not.toContain("SUPERSECRET");
  });

  test.each(["AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"])("%s rejected", (variable) => {
    expect(problemsOf({ ...LAMBDA_LIKE, [variable]: "true" })).toEqual([`${variable}=true is not supported; set AWS_ENDPOINT_URL_DYNAMODB to the endpoint to use instead`]);
  });

  test("FIPS allowed with explicit endpoint", () => {
    const settings = loadDynamoDBSettings({ ...LAMBDA_LIKE, AWS_USE_FIPS_ENDPOINT: "true", AWS_ENDPOINT_URL_DYNAMODB: "https://dynamodb-fips.us-east-1.amazonaws.com" });

    expect(settings.endpoint).toBe("https://dynamodb-fips.us-east-1.amazonaws.com/");
  });

  test.each(["us-iso-east-1", "us-isob-east-1", "eusc-de-east-1"])("%s needs explicit endpoint", (region) => {
    expect(problemsOf({ ...CREDENTIALS, AWS_REGION: region })).toEqual([`the DynamoDB endpoint of region ${region} is not derived here; set AWS_ENDPOINT_URL_DYNAMODB to it`]);
  });
});
