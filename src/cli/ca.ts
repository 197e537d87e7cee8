// `nifi-ca-guard ca init|adopt|rotate|prune|inspect|restore`: a pinned CA for nifi-ca, and its trust bundle.
import { Option, type Command } from 'commander';
import { DEFAULT_CA_SUBJECT } from '../ca/generate.js';
import { DEFAULT_PRIVATE_SECRET } from '../ca/secrets.js';
import { keyOptions, targetFlags, targetOptions, type KeyFlags, type Target } from './ca-common.js';
import { inspect, type InspectFlags } from './ca-inspect.js';
import { adopt, init, prune, rotate, type InitFlags } from './ca-lifecycle.js';
import { restore } from './ca-restore.js';

export function registerCa(program: Command): void {
  const ca = program.command('ca').description('pin the nifi-ca certificate authority and manage its trust bundle');

  const initCmd = ca.command('init').description('generate a CA; write its private Secret (toolkit keystore + config.json) and the trust bundle Secret');
  targetOptions(initCmd);
  keyOptions(initCmd, DEFAULT_CA_SUBJECT)
    .addOption(new Option('--keystore-type <type>', 'toolkit keystore type').choices(['jks', 'pkcs12']).default('jks'))
    .option('--token-file <file>', 'file holding the toolkit token NiFi pods enrol with (>= 16 characters)')
    .option('--token-env <name>', 'environment variable holding the toolkit token')
    .option('--password-file <file>', 'file holding the keystore password (default: random)')
    .option('--password-env <name>', 'environment variable holding the keystore password')
    .option('--ca-hostname <host>', 'caHostname in config.json', 'nifi-ca')
    .option('--port <port>', 'toolkit server port in config.json', '9090')
    .option('--leaf-days <days>', 'lifetime of node certificates the toolkit issues', '825')
    .option('--force', 'replace existing Secrets (a new CA: NiFi pods will not trust it until they restart)')
    .action(async (flags: InitFlags, cmd: Command) => init(targetFlags(flags, cmd)));

  const adoptCmd = ca
    .command('adopt')
    .description("pin the CA a running nifi-ca already has: its working directory's config.json and keystore become the private Secret");
  targetOptions(adoptCmd)
    .requiredOption('--from <dir>', "copy of nifi-ca's working directory (config.json and the keystore it names)")
    .option('--force', 'replace an existing private Secret')
    .action(async (flags: Target & { from: string; force?: boolean }, cmd: Command) => adopt(targetFlags(flags, cmd)));

  const rotateCmd = ca.command('rotate').description('new CA into the private Secret; appended to the bundle, the old CA kept until it expires');
  targetOptions(rotateCmd);
  keyOptions(rotateCmd, "the current CA's, its CN numbered: CN=nifi-ca #2, OU=NIFI").action(async (flags: Target & KeyFlags, cmd: Command) => rotate(targetFlags(flags, cmd)));

  const pruneCmd = ca.command('prune').description('drop expired CA certificates from the trust bundle (never the active CA)');
  targetOptions(pruneCmd).action(async (flags: Target, cmd: Command) => prune(targetFlags(flags, cmd)));

  ca.command('inspect')
    .description('subject, serial, SHA-256/MD5 fingerprints and validity of each certificate in a bundle, keystore, Secret manifest or live Secret; the active CA marked')
    .argument('[file]', 'PEM bundle, JKS or PKCS12 store, or Secret manifest (YAML)')
    .option('--secret <name>', 'inspect a live Secret instead of a file')
    .option('-n, --namespace <ns>', 'namespace of --secret', 'default')
    .option('--private-secret <name>', 'the private Secret whose CA is marked (active)', DEFAULT_PRIVATE_SECRET)
    .option('--password-file <file>', 'store password (Secret manifests with config.json need none)')
    .option('--password-env <name>', 'environment variable holding the store password')
    .option('--json', 'machine-readable output')
    .action(async (file: string | undefined, flags: InspectFlags) => inspect(file, flags));

  ca.command('restore')
    .description("copy the pinned keystore and config.json into the toolkit's working directory (nifi-ca init container)")
    .requiredOption('--from <dir>', 'mounted private Secret')
    .requiredOption('--to <dir>', "the toolkit's (writable) working directory")
    .action(async (flags: { from: string; to: string }) => restore(flags));
}
