/** Admin endpoints: set or clear a device's desired state, which the responses to ingest requests then carry to the device. */
import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { DEVICE_ID_PATTERN, describeIssues, describeValue, SETPOINT_RANGE, UNITS, type DesiredState } from "../../schema.ts";
import { readJsonBody } from "../body.ts";
import type { AppDeps, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { requireScope } from "../middleware/require-scope.ts";

const desiredBody = z
  .object({
    setpoint: z
      .number({ error: (issue) => `setpoint must be a whole number, got ${describeValue(issue.input)}` })
      .int({ error: (issue) => `setpoint must be a whole number, got ${describeValue(issue.input)}` }),
    unit: z.enum(UNITS, { error: (issue) => `unit must be "F" or "C", got ${describeValue(issue.input)}` }).optional(),
  }, { error: (issue) => `the body must be a JSON object {"setpoint": 68, "unit": "F"}, got ${describeValue(issue.input)}` });

export function registerAdminRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const now = deps.now ?? Date.now;
  const admin = requireScope(deps.config, "admin");
  const limit = bodyLimit({
    maxSize: 4096,
    onError: () => {
      throw new ApiError({ status: 413, code: "body_too_large", message: "the body is larger than 4096 bytes" });
    },
  });

  app.put("/devices/:device/desired", limit, admin, async (c) => {
    const device = c.req.param("device");
    if (!DEVICE_ID_PATTERN.test(device)) throw new ApiError({ status: 400, code: "invalid_device", message: `device ${describeValue(device)} is not a valid device id` });
    const parsed = desiredBody.safeParse(await readJsonBody(c.req.raw, 'a JSON object such as {"setpoint": 68, "unit": "F"}'));
    if (!parsed.success) throw new ApiError({ status: 400, code: "invalid_desired", message: "the desired state is invalid; see problems", problems: describeIssues(parsed.error) });

    const unit = parsed.data.unit ?? deps.config.defaultUnit;
    const range = SETPOINT_RANGE[unit];
    if (parsed.data.setpoint < range.min || parsed.data.setpoint > range.max) {
      throw new ApiError({
        status: 400,
        code: "invalid_desired",
        message: `setpoint ${parsed.data.setpoint} °${unit} is outside the plausible range ${range.min}…${range.max} °${unit}`,
        problems: [{ field: "setpoint", message: `must be from ${range.min} to ${range.max} °${unit}` }],
      });
    }
    const desired: DesiredState = { setpoint: parsed.data.setpoint, unit, updated_at: new Date(now()).toISOString() };
    await deps.store.setDesired(device, desired);
    c.get("logger").info("desired_set", { device, setpoint: desired.setpoint, unit });
    return c.json({ device_id: device, desired });
  });

  app.delete("/devices/:device/desired", admin, async (c) => {
    const device = c.req.param("device");
    if (!DEVICE_ID_PATTERN.test(device)) throw new ApiError({ status: 400, code: "invalid_device", message: `device ${describeValue(device)} is not a valid device id` });
    await deps.store.setDesired(device, null);
    c.get("logger").info("desired_cleared", { device });
    return c.json({ device_id: device, desired: null });
  });
}
