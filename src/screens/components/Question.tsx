import { Text } from 'ink';
import { ConfirmInput } from '@inkjs/ui';

export interface QuestionProps {
  text: string;
  onYes: () => void;
  onNo: () => void;
  /** What Enter answers (default: no). */
  enterMeans?: 'yes' | 'no';
}

/** A yes/no question in place of the footer (y, n, Enter for the default; the App adds q, Ctrl-C and Esc). */
export function Question({ text, onYes, onNo, enterMeans = 'no' }: QuestionProps) {
  return (
    <Text wrap="truncate-end">
      <Text bold color="yellow">{`${text} `}</Text>
      <ConfirmInput defaultChoice={enterMeans === 'yes' ? 'confirm' : 'cancel'} onConfirm={onYes} onCancel={onNo} />
    </Text>
  );
}
