/**
 * Reads a request body as JSON whatever its content type. The predecessor's
 * device and its documented curl example send JSON as text/plain or as
 * application/x-www-form-urlencoded; Lambda function URLs deliver such bodies
 * base64-encoded, and the Lambda adapter decodes them before this runs.
 */
import { ApiError } from "./errors.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Returns the parsed JSON value of the body. `expected` names what the
 * endpoint takes, for messages, e.g. `a reading as a JSON object`.
 * @throws {ApiError} 415 for a compressed body, 400 when the body is empty, not UTF-8 or not JSON
 */
export async function readJsonBody(request: Request, expected: string): Promise<unknown> {
  const encoding = request.headers.get("content-encoding")?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== "" && encoding !== "identity") {
    throw new ApiError({ status: 415, code: "unsupported_encoding", message: `Content-Encoding ${encoding} is not supported; send the body uncompressed` });
  }
  const bytes = new Uint8Array(await request.arrayBuffer());
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new ApiError({ status: 400, code: "invalid_body", message: `the body is not valid UTF-8 text; send ${expected}, encoded in UTF-8` });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") {
    throw new ApiError({ status: 400, code: "invalid_body", message: `the body is empty; send ${expected}` });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message.slice(0, 200)}` : "";
    throw new ApiError({ status: 400, code: "invalid_json", message: `the body is not valid JSON${detail}; send ${expected}` });
  }
}
