/** Types of curl-stand-in.mjs (the values the stand-in answers with, for the tests that check them). */
export declare const IMDS_TOKEN: string;
export declare const ROLE: string;
export declare const CREDENTIALS: { AccessKeyId: string; SecretAccessKey: string; Token: string };
