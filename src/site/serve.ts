/**
 * A small static server for the built site on 127.0.0.1: maps Framework's clean URLs (`/risk`,
 * `/account?id=A0001`) to their `.html` files. Used by `npm start` and by the browser tests.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".csv": "text/csv",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".zip": "application/zip",
  ".txt": "text/plain",
};

/** Serves `dist` on 127.0.0.1:`port` (0 = any free port); resolves with the server and its URL. */
export function serveDist(dist: string, port = 0): Promise<{ server: Server; url: string }> {
  const root = path.resolve(dist);
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
    const file = resolveFile(root, pathname);
    if (!file) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolve({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}

function resolveFile(root: string, pathname: string): string | undefined {
  const candidate = path.resolve(root, `.${pathname}`);
  if (candidate !== root && !candidate.startsWith(root + path.sep)) return undefined; // no way out of dist
  for (const file of [candidate, `${candidate}.html`, path.join(candidate, "index.html")]) {
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}
