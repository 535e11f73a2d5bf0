import { generateSigningKeyPair } from '../../drop/keygen';
import { EXIT, type CliCommand } from '../cli-types';
import { printFailure, printUsage } from '../failure';

const USAGE = 'drop-runner keygen --out <prefix>   (writes <prefix>.key.pem and <prefix>.pub.pem)';

/** `drop-runner keygen`: a new Ed25519 publisher key pair for signing drops. */
export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: 'Create an Ed25519 key pair for signing drops (<prefix>.key.pem, <prefix>.pub.pem)',
  usage: USAGE,
  valueFlags: ['out'],
  run: async (ctx) => {
    const prefix = ctx.flags.get('out');
    if (!prefix || ctx.args.length > 0) return printUsage(ctx, prefix ? `Unexpected argument "${ctx.args[0]}".` : 'Pass --out <prefix>.', USAGE);
    try {
      const keys = await generateSigningKeyPair(prefix);
      ctx.stdout(`private key ${keys.privateKeyPath}  (keep it secret; it signs your drops)\n`);
      ctx.stdout(`public key  ${keys.publicKeyPath}  (give it to the sites that open your drops)\n`);
      ctx.stdout(`key id      ${keys.keyId}\n`);
      return EXIT.ok;
    } catch (error) {
      return printFailure(ctx, error);
    }
  },
};
