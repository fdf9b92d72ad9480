import type { PGlite } from "@electric-sql/pglite";

/** Parsers by type OID: date and time types, and arrays of them and of numeric, as PostgreSQL's text. */
export declare const RAW_PARSERS: Record<number, (value: string) => string>;

/** Runs `text` with `values` as a named prepared statement of `pg` (PGlite in this thread) and answers its rows. */
export declare function queryPreparedHere<T>(pg: PGlite, text: string, values: (string | null)[]): Promise<T[]>;
