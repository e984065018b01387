/**
 * The minimal game's server: the engine's default blocks and components, a small superflat world, and the page
 * built into dist/ (`npm run build`). `node server.ts`, then open the printed URL; a second tab is a second player.
 */
import { DEFAULT_PROTOCOL, DEFAULT_SUPERFLAT, createRealtimeScheduler, loadHasher } from 'stratum-voxel';
import { createGameServer, createNodePool, listen, nodeZstd, randomAdminToken } from 'stratum-voxel/server';

/** Where the page was built to (vite.config.ts). */
const PAGE = new URL('./dist/', import.meta.url).pathname;

/** Starts the server; ports 0 pick free ones. Resolves once players can join. */
export async function startMinimal(o: { port?: number; httpPort?: number; staticDir?: string } = {}) {
  const pool = createNodePool({ threads: 2 });
  const server = createGameServer({
    scheduler: createRealtimeScheduler(), protocol: DEFAULT_PROTOCOL, codec: { zstd: nodeZstd, hasher: await loadHasher() },
    terrain: DEFAULT_SUPERFLAT, worldRadius: 4, viewDistance: 4, store: null, adminToken: randomAdminToken(), pool,
    log: (level, line) => { if (level !== 'info') console.error(`[${level}] ${line}`); },
  });
  await server.init();
  const net = await listen(server, { port: o.port ?? 4433, httpPort: o.httpPort ?? 8080, staticDir: o.staticDir ?? PAGE });
  server.start();
  const stop = async () => {
    server.stop('the server is shutting down');
    await Promise.all([net.close(), pool.destroy()]);
  };
  return { server, net, stop };
}

if (import.meta.main) {
  const { net, stop } = await startMinimal({ port: Number(process.env.PORT ?? 4433), httpPort: Number(process.env.HTTP_PORT ?? 8080) });
  console.log(`minimal server ready: open ${net.pageUrl}`);
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
}
