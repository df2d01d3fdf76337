import type { ReactElement } from 'react';
import type { ClassifiedError } from '../../errors/error-kinds.js';
import { textRows } from '../frame/rows.js';

/** A classified error as rows: kind and code, the message, and what to do about it (wrapped, nothing cut). */
export function errorRows(key: string, error: ClassifiedError, width: number): ReactElement[] {
  const kind = `kind ${error.kind}${error.code ? `  code ${error.code}` : ''}${error.retryable ? ' (may succeed on retry)' : ''}`;
  return [
    ...textRows(`${key}:kind`, kind, width, { color: 'red' }),
    ...textRows(`${key}:why`, `why ${error.message}`, width, { hang: '    ' }),
    ...textRows(`${key}:hint`, `hint ${error.hint}`, width, { hang: '     ', color: 'yellow' }),
  ];
}
