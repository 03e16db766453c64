#!/usr/bin/env node
/**
 * The nanoweave command line. It only parses arguments and calls the libraries; each command is its
 * own module under cli/commands whose handler throws instead of exiting. Exit codes: 0 success,
 * 1 failure, 2 bad input (InputError).
 */
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { InputError } from "../planner/errors.js";
import { commands } from "./commands/index.js";

export async function main(argv: string[]): Promise<number> {
  const parser = yargs(argv)
    .scriptName("nanoweave")
    .usage("$0 <command> [options]\n\nPlan and run nano-batched, SM-partitioned LLM decode iterations.")
    .option("debug", { type: "boolean", default: false, describe: "Print stack traces of errors" })
    .strict()
    .strictCommands()
    .demandCommand(1, "Name a command: nanoweave <command> --help shows its options.")
    .recommendCommands()
    .help()
    .alias("h", "help")
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // yargs reports its own parse errors with a message and no error object; thrown, they stop the command's handler from running.
      if (error) throw error;
      throw new InputError(`${message}\nRun with --help to see the options.`);
    });
  for (const command of commands) parser.command(command);
  try {
    await parser.parseAsync();
  } catch (error) {
    const debug = argv.includes("--debug");
    if (error instanceof InputError) {
      process.stderr.write(`error: ${error.message}\n`);
      if (debug) process.stderr.write(`${error.stack}\n`);
      return 2;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    process.stderr.write(`error: ${err.message}\n`);
    if (debug) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write("Run again with --debug for the stack trace.\n");
    return 1;
  }
  return 0;
}

process.exitCode = await main(hideBin(process.argv));
