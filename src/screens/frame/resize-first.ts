type Listener = () => void;

interface Resizes {
  /** The screens' own listeners: they lay the tree out for the new size. */
  mine: Set<Listener>;
  /** The listeners that were there before (Ink's: it draws the tree as it is, at once). */
  theirs: Listener[];
  /** A resize whose other listeners have not run yet. */
  pending: boolean;
  dispatch: Listener;
}

const byStream = new WeakMap<NodeJS.EventEmitter, Resizes>();

/** The other listeners of a resize, once: after the screens drew the new size (or a moment later, when nothing changed). */
export function resizeDrawn(stream: NodeJS.EventEmitter): void {
  const entry = byStream.get(stream);
  if (!entry?.pending) return;
  entry.pending = false;
  for (const other of entry.theirs) other();
}

/**
 * Runs `listener` on the stream's 'resize' before the listeners that were there first (Ink's), which wait
 * until the screen has drawn itself for the new size (`resizeDrawn`, from a layout effect). Ink draws on
 * 'resize' at once, with the tree laid out for the old size: a frame as tall as the old terminal would
 * scroll the new, smaller one; and a state update is not drawn synchronously under React 19. (Ink has no
 * hook for this.) Returns the unsubscribe.
 */
export function onResizeFirst(stream: NodeJS.EventEmitter, listener: Listener): () => void {
  let entry = byStream.get(stream);
  if (!entry) {
    const created: Resizes = {
      mine: new Set(),
      theirs: stream.listeners('resize') as Listener[],
      pending: false,
      dispatch: () => {
        created.pending = true;
        for (const own of created.mine) own();
        setTimeout(() => resizeDrawn(stream), 100);
      },
    };
    for (const other of created.theirs) stream.off('resize', other);
    stream.on('resize', created.dispatch);
    byStream.set(stream, created);
    entry = created;
  }
  const resizes = entry;
  resizes.mine.add(listener);
  return () => {
    resizes.mine.delete(listener);
    if (resizes.mine.size > 0) return;
    stream.off('resize', resizes.dispatch);
    for (const other of resizes.theirs) stream.on('resize', other);
    byStream.delete(stream);
  };
}
