/** Labels for the Overview (pure): signature state, step types, package kinds. */
import type { SignatureState, StepType } from '../../../common/drop-model';
import type { BadgeIntent } from '../../ui/badge';
import type { IconName } from '../../ui/icons';

export interface SignatureBadgeModel {
  label: string;
  intent: BadgeIntent;
  icon: IconName;
  /** One sentence saying what the state means for the engineer. */
  explanation: string;
}

/** The four signature states as the UI shows them everywhere (issue 3: verified / unsigned / unknown publisher / invalid). */
export function signatureBadge(signature: SignatureState | { state: SignatureState['state'] }): SignatureBadgeModel {
  switch (signature.state) {
    case 'verified':
      return {
        label: 'publisher' in signature ? `Verified (${signature.publisher})` : 'Verified',
        intent: 'success',
        icon: 'shield-check',
        explanation: 'Signed by a trusted publisher; every file matches the signed manifest.',
      };
    case 'unsigned':
      return { label: 'Unsigned', intent: 'warning', icon: 'shield', explanation: 'The drop carries no signature. Its files match its manifest, but nobody vouches for the manifest.' };
    case 'unknown-publisher':
      return {
        label: 'Unknown publisher',
        intent: 'warning',
        icon: 'shield',
        explanation: `The signature is valid but its key${'keyId' in signature ? ` (${signature.keyId})` : ''} is not in this machine's trusted publishers.`,
      };
    case 'invalid':
      return {
        label: 'Invalid signature',
        intent: 'danger',
        icon: 'shield-error',
        explanation: `The signature does not match the drop${'reason' in signature ? `: ${signature.reason}` : ''}. Deployment is blocked.`,
      };
  }
}

export const STEP_TYPE_LABELS: Record<StepType | 'unsupported', string> = {
  'sql-scripts': 'SQL scripts',
  'ssis-project': 'SSIS project',
  dacpac: 'DACPAC',
  script: 'Script',
  'manual-check': 'Manual check',
  unsupported: 'Unsupported',
};
