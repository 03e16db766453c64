/** Every CLI command, one module each. Add a command by adding its module here. */
import type { CommandModule } from "yargs";
import { doctorCommand } from "./doctor.js";
import { planCommand } from "./plan.js";
import { profileCommand } from "./profile.js";
import { runCommand } from "./run.js";
import { soakCommand } from "./soak.js";
import { tuneCommand } from "./tune.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [
  planCommand,
  doctorCommand,
  profileCommand,
  runCommand,
  soakCommand,
  tuneCommand,
];
