/** Errors the page shows to the person using it; each message is a sentence fit for the page. */

/** The API returned an error status. */
export class ApiError extends Error {
  override name = "ApiError";
  /** HTTP status of the response. */
  readonly status: number;
  /** The API's machine-readable code, such as `unauthorized`, or `http_<status>` when the body had none. */
  readonly code: string;
  /** The request path, without the base URL. */
  readonly path: string;

  constructor(options: { status: number; code: string; message: string; path: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.status = options.status;
    this.code = options.code;
    this.path = options.path;
  }
}

/** The API rejected the read token (401), so the page asks for it again. */
export class UnauthorizedError extends ApiError {
  override name = "UnauthorizedError";
}

/** No response arrived: the network failed, the browser blocked the request (CORS, CSP) or it timed out. */
export class NetworkError extends Error {
  override name = "NetworkError";
  readonly path: string;

  constructor(message: string, path: string, cause?: unknown) {
    super(message, { cause });
    this.path = path;
  }
}

/** A response arrived but did not have the shape the page expects. */
export class ResponseShapeError extends Error {
  override name = "ResponseShapeError";
  readonly path: string;

  constructor(message: string, path: string, cause?: unknown) {
    super(message, { cause });
    this.path = path;
  }
}
