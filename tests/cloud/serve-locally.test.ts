/** startServer: the local server's own response to a body over the size a Lambda function URL accepts. */
import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import type { AppEnv } from "../../cloud/context.ts";
import { MAX_REQUEST_BODY_BYTES, startServer } from "../../cloud/serve-locally.ts";

describe("startServer body limit", () => {
  test("oversized body gets JSON 413", async () => {
    const app = new Hono<AppEnv>();
    app.post("/echo", async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
    const server = startServer(app, { port: 0 });
    try {
      const response = await fetch(`${server.url}/echo`, { method: "POST", body: new Uint8Array(MAX_REQUEST_BODY_BYTES + 1) });

      expect(response.status).toBe(413);
      expect(response.headers.get("content-type")).toStartWith("application/json");
      const body = (await response.json()) as { error: string; message: string };
      expect(body.error).toBe("body_too_large");
      expect(body.message).toContain(String(MAX_REQUEST_BODY_BYTES));
    } finally {
      await server.stop();
    }
  });

  test("body at the limit reaches the app", async () => {
    const app = new Hono<AppEnv>();
    app.post("/echo", async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
    const server = startServer(app, { port: 0 });
    try {
      const response = await fetch(`${server.url}/echo`, { method: "POST", body: new Uint8Array(MAX_REQUEST_BODY_BYTES) });

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ bytes: MAX_REQUEST_BODY_BYTES });
    } finally {
      await server.stop();
    }
  });
});
