import { createContext, type ReactNode } from 'react';

/**
 * What the App tells every frame from above: a question that takes the keys (stop the run?) is shown in
 * place of the footer, and while it is asked the screen under it gets no key.
 */
export interface FrameControl {
  prompt?: ReactNode;
}

export const FrameContext = createContext<FrameControl>({});
