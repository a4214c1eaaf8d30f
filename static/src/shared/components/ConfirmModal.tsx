// A confirmation before something that cannot be undone (Atlaskit modal-dialog): says what will happen
// in its body, and runs `onConfirm` only when the person confirms. Escape and Cancel close it.
import type { ReactNode } from 'react';
import Button from '@atlaskit/button/new';
import Modal, {
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  ModalTransition,
} from '@atlaskit/modal-dialog';

export function ConfirmModal({
  title,
  appearance = 'danger',
  confirmLabel,
  onConfirm,
  onClose,
  isConfirming = false,
  isConfirmDisabled = false,
  children,
  testId,
}: {
  title: string;
  appearance?: 'danger' | 'warning';
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  /** The confirmed action is running: the button shows it and Cancel stays available. */
  isConfirming?: boolean;
  isConfirmDisabled?: boolean;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <ModalTransition>
      <Modal onClose={onClose} width="medium" label={title} testId={testId}>
        <ModalHeader hasCloseButton>
          <ModalTitle appearance={appearance}>
            <span className="ph-wrap">{title}</span>
          </ModalTitle>
        </ModalHeader>
        <ModalBody>{children}</ModalBody>
        <ModalFooter>
          <Button appearance="subtle" onClick={onClose}>
            Cancel
          </Button>
          <Button
            appearance={appearance}
            onClick={onConfirm}
            isLoading={isConfirming}
            isDisabled={isConfirmDisabled}
            testId={testId ? `${testId}--confirm` : undefined}
          >
            {confirmLabel}
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}
