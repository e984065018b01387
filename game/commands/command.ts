/** The shape of a `stratum` subcommand. */
export interface Command {
  /** One-line summary for `stratum --help`. */
  summary: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}
