import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines: a line (or a multi-byte UTF-8 character) cut across two chunks is
 * put back together; `\r\n` and `\n` both end a line. A line longer than `maxLineLength` characters is
 * emitted in pieces so a newline-less stream cannot grow memory without bound.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = 1 << 20,
  ) {}

  push(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      this.emit(this.pending.slice(0, newline));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
    while (this.pending.length > this.maxLineLength) {
      this.onLine(this.pending.slice(0, this.maxLineLength));
      this.pending = this.pending.slice(this.maxLineLength);
    }
  }

  /** The last line, if the stream did not end with a newline. */
  end(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') this.emit(this.pending);
    this.pending = '';
  }

  private emit(line: string): void {
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

/** The last `count` lines of a text (a trailing newline does not count as an empty last line). */
export function lastLines(text: string, count: number): string[] {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  return text === '' ? [] : lines.slice(-count);
}

/** Replaces every occurrence of each secret value (4+ characters) with `***`. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const values = secrets.filter((value) => value.length >= 4).sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((out, value) => out.split(value).join('***'), text);
}
