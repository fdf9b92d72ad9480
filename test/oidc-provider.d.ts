// oidc-provider ships no types; the tests use only what test/oidc-idp.ts calls.
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  type KoaContext = {
    path: string;
    method: string;
    status: number;
    body: unknown;
    type: string;
    response: { get(name: string): string; remove(name: string): void };
  };
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
    on(event: string, listener: (...args: unknown[]) => void): void;
    proxy: boolean;
  }
}
