/** The built UI's folder, for @argus/server's `uiRoot` option. */
export declare const uiRoot: string;
