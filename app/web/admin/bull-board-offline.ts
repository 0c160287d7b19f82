/**
 * Bull Board's page without anything from the internet: its index.ejs (@bull-board/ui 9.10)
 * links Google's web fonts (IBM Plex) in its head, which a machine offline waits for and a
 * privacy review refuses. The board's own CSS falls back to the system's sans-serif and monospace
 * fonts; every other asset (scripts, CSS, icons) is served from node_modules by the board itself.
 *
 * Steps: take the page engine the board's ExpressAdapter registered (.ejs) and register a wrapper
 * that renders through it and drops the web-font <link> from the result. Fails at boot if the
 * engine is missing (a Bull Board upgrade that renders differently: look at this file again).
 *
 * Example: const router = server.getRouter() as Express; withoutWebFonts(router);
 */
import type { Express } from 'express';

type RenderCallback = (error: Error | null, html?: string) => void;
type RenderEngine = (path: string, options: object, callback: RenderCallback) => void;

/** The stylesheet links of Google's font service (fonts.googleapis.com). */
export const WEB_FONT_LINK =
  /<link\b[^>]*href="https:\/\/fonts\.(?:googleapis|gstatic)\.com\/[^"]*"[^>]*>\s*/g;

export function withoutWebFonts(board: Express): void {
  const engines = (board as unknown as { engines: Record<string, RenderEngine | undefined> }).engines;
  const render = engines['.ejs'];
  if (!render) {
    throw new Error(
      "Bull Board's page engine (.ejs) is not registered: did @bull-board/express change how it renders?",
    );
  }
  board.engine('ejs', (path, options, callback: RenderCallback) =>
    render(path, options, (error, html) => callback(error, html?.replace(WEB_FONT_LINK, ''))),
  );
}
