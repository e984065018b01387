/**
 * The engine's optional three.js renderer (browser): the view (scene, camera, fog), section meshes from the mesher's
 * output, player figures and the block outline. Needs the `three` package (an optional peer dependency): only pages
 * that import this entry pull it in.
 * Applications import the engine only through this file and its siblings (index, server, client, browser, worker,
 * web).
 *
 * @packageDocumentation
 */
export * from './web/renderer/boxes.ts';
export * from './web/renderer/outline.ts';
export * from './web/renderer/players.ts';
export * from './web/renderer/section-meshes.ts';
export * from './web/renderer/view.ts';
