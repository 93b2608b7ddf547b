/**
 * DynamoDB connection settings (endpoint, region, credentials), read once from
 * the environment with the AWS SDK's variable names. Lambda sets the region and the role's
 * temporary credentials in these variables. Elsewhere they must be set by
 * hand, because profiles, SSO and instance metadata are not read.
 */
import { ConfigError } from "../errors.ts";
import { redactEndpoint } from "./redact-endpoint.ts";

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Present with temporary credentials, such as a Lambda role's. */
  readonly sessionToken?: string | undefined;
}

export interface DynamoDBSettings {
  /** URL that requests are POSTed to, such as `https://dynamodb.us-east-1.amazonaws.com/`. */
  readonly endpoint: string;
  /** Region that requests are signed for. */
  readonly region: string;
  readonly credentials: AwsCredentials;
}

/** Lower-case labels joined by dashes, such as `us-east-1` or `local`. The region becomes part of a host name. */
const REGION = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** Partitions whose DynamoDB host is not `dynamodb.<region>.amazonaws.com[.cn]`. */
const UNDERIVED_REGION = /-iso|^eusc-/;

/**
 * Returns DynamoDB's public endpoint in `region`. Regions in China use the
 * `amazonaws.com.cn` domain.
 * @throws {RangeError} when `region` is not a region name
 */
export function defaultEndpoint(region: string): string {
  if (!REGION.test(region)) throw new RangeError(`region ${JSON.stringify(region)} is not a region name such as "us-east-1"`);
  const domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://dynamodb.${region}.${domain}/`;
}

/**
 * Reads the DynamoDB settings from `env`. `AWS_REGION` wins over
 * `AWS_DEFAULT_REGION`. `AWS_ENDPOINT_URL_DYNAMODB` wins over `AWS_ENDPOINT_URL`,
 * which wins over the region's public endpoint. Messages name variables, never their secret values.
 * @throws {ConfigError} listing every missing or invalid variable
 */
export function loadDynamoDBSettings(env: Record<string, string | undefined>): DynamoDBSettings {
  const problems: string[] = [];

  const regionVariable = setValue(env.AWS_REGION) !== undefined ? "AWS_REGION" : "AWS_DEFAULT_REGION";
  const region = setValue(env[regionVariable]);
  if (region === undefined) problems.push("AWS_REGION is not set; set it to the table's region, such as us-east-1 (Lambda sets it for the function)");
  else if (!REGION.test(region)) problems.push(`${regionVariable} ${JSON.stringify(region)} is not a region name such as "us-east-1"`);

  const endpoint = readEndpoint(env, region, problems);

  const accessKeyId = setValue(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = setValue(env.AWS_SECRET_ACCESS_KEY);
  const missing = [accessKeyId === undefined ? "AWS_ACCESS_KEY_ID" : undefined, secretAccessKey === undefined ? "AWS_SECRET_ACCESS_KEY" : undefined].filter((name) => name !== undefined);
  if (missing.length > 0) {
    problems.push(
      `${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not set; set both, and AWS_SESSION_TOKEN for temporary credentials. ` +
        "Lambda sets them from the function's role, but elsewhere profiles, SSO and instance roles are not read",
    );
  }

  if (problems.length > 0 || region === undefined || endpoint === undefined || accessKeyId === undefined || secretAccessKey === undefined) {
    throw new ConfigError(problems);
  }
  return Object.freeze({
    endpoint,
    region,
    credentials: Object.freeze({ accessKeyId, secretAccessKey, sessionToken: setValue(env.AWS_SESSION_TOKEN) }),
  });
}

/** Returns the endpoint URL, or undefined after adding a problem. */
function readEndpoint(env: Record<string, string | undefined>, region: string | undefined, problems: string[]): string | undefined {
  const variable = setValue(env.AWS_ENDPOINT_URL_DYNAMODB) !== undefined ? "AWS_ENDPOINT_URL_DYNAMODB" : "AWS_ENDPOINT_URL";
  const raw = setValue(env[variable]);
  if (raw !== undefined) return parseEndpoint(variable, raw, problems);

  for (const option of ["AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"]) {
    if (setValue(env[option])?.toLowerCase() === "true") {
      problems.push(`${option}=true is not supported; set AWS_ENDPOINT_URL_DYNAMODB to the endpoint to use instead`);
      return undefined;
    }
  }
  if (region === undefined || !REGION.test(region)) return undefined;
  if (UNDERIVED_REGION.test(region)) {
    problems.push(`the DynamoDB endpoint of region ${region} is not derived here; set AWS_ENDPOINT_URL_DYNAMODB to it`);
    return undefined;
  }
  return defaultEndpoint(region);
}

function parseEndpoint(variable: string, raw: string, problems: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${variable} must be an http or https URL such as http://127.0.0.1:8000, got ${JSON.stringify(redactEndpoint(raw))}`);
    return undefined;
  }
  // A user name or password in the URL would be a secret, so the value is not quoted. Other
  // messages quote it without its user name, password, query and fragment.
  if (url.username !== "" || url.password !== "") {
    problems.push(`${variable} must not contain a user name or password; DynamoDB authenticates with the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY signature`);
    return undefined;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search !== "" || url.hash !== "") {
    problems.push(`${variable} must be an http or https URL without a query or fragment, such as http://127.0.0.1:8000, got ${JSON.stringify(redactEndpoint(raw))}`);
    return undefined;
  }
  return url.href;
}

/** Returns the trimmed value, or undefined when unset or blank. */
function setValue(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}
