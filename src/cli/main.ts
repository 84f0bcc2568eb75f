/** `tuwen` command line: one sub-command per job; each lives in its own module. */
import { parseArgs } from 'node:util';
import { inspectFiles, inspectSeries } from './inspect.ts';

const USAGE = `usage: tuwen <command> [options]

commands:
  inspect FILE... [--series]   decode DICOM / PNG / JPEG files and print one JSON object per file
                               (--series: treat the files as one series and print its order and spacing)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'inspect': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { series: { type: 'boolean' } } });
      if (positionals.length === 0) {
        process.stderr.write('tuwen inspect: give at least one file\n');
        return 2;
      }
      const print = (line: string) => process.stdout.write(line + '\n');
      await (values.series ? inspectSeries(positionals, print) : inspectFiles(positionals, print));
      return 0;
    }
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`tuwen: unknown command '${command}'\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tuwen: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
