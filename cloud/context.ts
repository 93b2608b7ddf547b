/** Types and helpers shared by the app's routes. */
import type { Context } from "hono";
import type { Logger } from "../lib/log.ts";
import type { AppConfig } from "./config.ts";
import type { ReadingStore } from "./store/readings-store.ts";

export interface AppDeps {
  config: AppConfig;
  store: ReadingStore;
  logger: Logger;
  /** Current time in ms; injectable for tests. @default Date.now */
  now?: () => number;
}

export type AppEnv = {
  Variables: {
    requestId: string;
    logger: Logger;
  };
};

export type AppContext = Context<AppEnv>;
