/**
 * The destroy run: removes the function URL, the function (its permissions
 * and concurrency go with it), the log group and the role. The table contains
 * the user's readings and is deleted only with --delete-data after a typed
 * confirmation or --yes.
 */
import type { DeployContext } from "./context.ts";
import { ConfirmationError } from "./errors.ts";
import { deleteFunction } from "./resources/function.ts";
import { deleteFunctionUrl } from "./resources/function-url.ts";
import { deleteLogGroup } from "./resources/log-group.ts";
import { deleteRole } from "./resources/role.ts";
import { deleteTable } from "./resources/table.ts";
import { deleteStateFile } from "./state-file.ts";
import { buildSummary, type DeploySummary } from "./summary.ts";

export interface DestroyInputs {
  readonly statePath: string;
  /** Whether stdin is a terminal a person can type on. */
  readonly isInteractive: boolean;
  /** Asks a question on the terminal and returns the typed line. */
  readonly prompt: (question: string) => Promise<string | null>;
}

export async function runDestroy(context: DeployContext, inputs: DestroyInputs): Promise<DeploySummary> {
  const { options, names, reporter } = context;
  if (options.deleteData && !options.isPlan && !options.yes) await confirmDataDeletion(context, inputs);

  await deleteFunctionUrl(context);
  await deleteFunction(context);
  await deleteLogGroup(context);
  await deleteRole(context);

  if (options.deleteData) {
    await deleteTable(context);
    // The tokens protect nothing any more; a later deploy issues new ones.
    if (!options.isPlan) deleteStateFile(inputs.statePath);
  } else {
    reporter.step(`table ${names.table}`).done("kept", ["your readings stay; add --delete-data to delete them"]);
  }
  return buildSummary(context, { statePath: inputs.statePath });
}

async function confirmDataDeletion(context: DeployContext, inputs: DestroyInputs): Promise<void> {
  const table = context.names.table;
  if (!inputs.isInteractive) {
    throw new ConfirmationError(`--delete-data needs a confirmation, and there is no terminal to type it on`, {
      hint: `pass --yes to confirm that table ${table} and every reading in it may be deleted`,
    });
  }
  const answer = await inputs.prompt(`This deletes table ${table} and every reading in it. Type the table name to confirm: `);
  if (answer?.trim() !== table) {
    throw new ConfirmationError(`confirmation did not match: expected "${table}", nothing was deleted`);
  }
}
