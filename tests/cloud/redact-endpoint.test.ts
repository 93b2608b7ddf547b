/**
 * redactEndpoint, and every place that logs or quotes the DynamoDB endpoint:
 * none shows its user name, password, query or fragment.
 */
import { describe, expect, test } from "bun:test";
import { buildAppFromEnv } from "../../cloud/app-from-env.ts";
import { DynamoDBHttpClient } from "../../cloud/store/dynamodb-http.ts";
import { redactEndpoint } from "../../cloud/store/redact-endpoint.ts";
import { Logger, memorySink } from "../../lib/log.ts";
import { dynamoFailureOf } from "../helpers/dynamodb-failure.ts";

const SECRET = "SUPERSECRET";
const ENV = { THERMO_TABLE: "thermo", AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIDREDACT", AWS_SECRET_ACCESS_KEY: "redact-secret" };

describe("redactEndpoint", () => {
  test.each([
    ["http://127.0.0.1:8000/", "http://127.0.0.1:8000/"],
    ["https://proxy.internal.test/dynamodb", "https://proxy.internal.test/dynamodb"],
    [`http://127.0.0.1:8000/?x=${SECRET}`, "http://127.0.0.1:8000/?<redacted>"],
    [`http://127.0.0.1:8000/#${SECRET}`, "http://127.0.0.1:8000/#<redacted>"],
    [`http://127.0.0.1:8000/path?x=${SECRET}#${SECRET}`, "http://127.0.0.1:8000/path?<redacted>#<redacted>"],
    [`http://user:${SECRET}@127.0.0.1:8000/`, "http://<redacted>@127.0.0.1:8000/"],
    ["http://127.0.0.1:8000/?", "http://127.0.0.1:8000/?<redacted>"],
    [`not a url?x=${SECRET}`, "not a url?<redacted>"],
    [`http://user:${SECRET}@[bad/`, "http://<redacted>@[bad/"],
    [`http://user:pass?${SECRET}@[bad/`, "http://<redacted>@[bad/"],
  ])("%s", (endpoint, expected) => {
    expect(redactEndpoint(endpoint)).toBe(expected);
  });
});

describe("endpoint in messages", () => {
  test("configuration log redacted", () => {
    const memory = memorySink();

    buildAppFromEnv({ ...ENV, AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:8000/?x=${SECRET}` }, new Logger("api", { sink: memory.sink }));

    const logText = memory.lines.join("\n");
    expect(logText).toContain("invalid_configuration");
    expect(logText).toContain("http://127.0.0.1:8000/?<redacted>");
    expect(logText).not.toContain(SECRET);
  });

  test("client option error redacted", () => {
    const build = () =>
      new DynamoDBHttpClient({
        endpoint: `ftp://user:${SECRET}@127.0.0.1/?x=${SECRET}`,
        region: "local",
        credentials: { accessKeyId: "AKIDREDACT", secretAccessKey: "redact-secret" },
        logger: new Logger("dynamodb", { sink: memorySink().sink }),
      });

    expect(build).toThrow(TypeError);
    expect(build).toThrow('got "ftp://<redacted>@127.0.0.1/?<redacted>"');
  });

  test("network error redacted", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const base = closed.url.href;
    await closed.stop(true);
    const memory = memorySink();
    const client = new DynamoDBHttpClient({
      endpoint: `${base}?x=${SECRET}#${SECRET}`,
      region: "local",
      credentials: { accessKeyId: "AKIDREDACT", secretAccessKey: "redact-secret" },
      logger: new Logger("dynamodb", { sink: memory.sink, level: "debug" }),
      maxAttempts: 2,
      sleep: async () => undefined,
    });

    const error = await dynamoFailureOf(client.getItem({ TableName: "thermo", Key: { pk: "_devices", sk: "shop" } }));

    expect(error.name).toBe("NetworkError");
    expect(error.message).toStartWith(`DynamoDB GetItem request to ${base}?<redacted>#<redacted> failed: `);
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain(SECRET);
    expect(memory.lines.join("\n")).not.toContain(SECRET);
  });
});
