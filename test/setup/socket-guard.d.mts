export declare const REFUSED_MARKER: string;
export interface Destination {
  host?: string;
  port?: number | string;
  path?: string;
  text: string;
}
export declare function destinationOf(args: unknown[]): Destination;
export declare function isAllowed(destination: Destination): boolean;
/** The refusals of this process, in order. */
export declare const refused: string[];
