// The raytrace stage's one door: every other folder imports this module, never a file under engine/ or run/
// (test/architecture.test.ts checks it; docs/architecture.md).
//
//   engine/   the ray tracer: path search, diffraction, diffuse scattering, acceleration, per-link evaluation,
//             behind engine/tracer.ts (make a tracer for a map, a raytrace config and sites; trace a block)
//   run/      the machinery around it: worker threads, block journal and part files, shards, assembly of
//             links.arrow / paths.arrow, merge, per-site link files, receivers
//   key.ts    what an output is, without tracing: input_key and links.arrow's metadata
//
// This module stays light: what it exports statically (keys, metadata, constants, types) loads no scene, no
// worker, no Arrow writer, so a stage that only needs a key (the pipeline, the dataset readers, the radio
// map's key) pays nothing for the machinery. The entry points that trace are async and load their machinery
// on first call (dynamic import), which costs once per process a few milliseconds next to any tracing.

import type * as Merge from './run/merge.ts';
import type * as Pool from './run/pool.ts';
import type * as Raytrace from './run/raytrace.ts';
import type * as Receivers from './run/receivers.ts';
import type * as SiteLinks from './run/site-links.ts';
import type * as Tracer from './engine/tracer.ts';

export { DEFAULT_CANDIDATE_RAYS } from './engine/settings.ts';
export { linkMetadata, type RaytraceScenario, raytraceInputKey, SITE_LINKS_DIR, type SiteRecord, siteLinksFile, siteLinksKey } from './key.ts';
export { journalName, partName } from './run/parts.ts';
export { type Shard, shardBlocks, WHOLE } from './run/shard.ts';

export type { BlockResult, DiffuseRecord, LinkColumns, LinkResult, LinkTracer, PathColumns, ReceiverLinks, SiteLink, SpecularRecord, TraceInput } from './engine/tracer.ts';
export type { AssembleStats } from './run/assemble.ts';
export type { MergeResult } from './run/merge.ts';
export type { TracePointsOptions } from './run/pool.ts';
export type { RaytraceOptions, RaytraceResult } from './run/raytrace.ts';
export type { Receivers } from './run/receivers.ts';
export type { SiteLinksOptions, SiteLinksResult } from './run/site-links.ts';

/** `simgen raytrace`: every receiver against every site -> links.arrow (+ paths.arrow), resumable, sharded (run/raytrace.ts). */
export async function runRaytrace(...a: Parameters<typeof Raytrace.runRaytrace>): ReturnType<typeof Raytrace.runRaytrace> {
  return (await import('./run/raytrace.ts')).runRaytrace(...a);
}

/** `simgen merge`: the part files of a sharded run -> the links.arrow one unsharded run writes (run/merge.ts). */
export async function runMerge(...a: Parameters<typeof Merge.runMerge>): ReturnType<typeof Merge.runMerge> {
  return (await import('./run/merge.ts')).runMerge(...a);
}

/** Traces receiver points against every site on all cores, blocks handed on in order (run/pool.ts): radio maps, the viewer. */
export async function tracePoints(...a: Parameters<typeof Pool.tracePoints>): ReturnType<typeof Pool.tracePoints> {
  return (await import('./run/pool.ts')).tracePoints(...a);
}

/** Makes sure every site has its link file (every receiver against that site alone), tracing the missing ones (run/site-links.ts). */
export async function ensureSiteLinks(...a: Parameters<typeof SiteLinks.ensureSiteLinks>): ReturnType<typeof SiteLinks.ensureSiteLinks> {
  return (await import('./run/site-links.ts')).ensureSiteLinks(...a);
}

/** The receivers of trajectories.arrow in the order links.arrow lists them (run/receivers.ts). */
export async function readTrajectoryReceivers(...a: Parameters<typeof Receivers.readTrajectoryReceivers>): Promise<ReturnType<typeof Receivers.readTrajectoryReceivers>> {
  return (await import('./run/receivers.ts')).readTrajectoryReceivers(...a);
}

/** The receiver points of a CSV file (header x,y,z), as `simgen raytrace --rx` reads them (run/receivers.ts). */
export async function readCsvReceivers(...a: Parameters<typeof Receivers.readCsvReceivers>): Promise<ReturnType<typeof Receivers.readCsvReceivers>> {
  return (await import('./run/receivers.ts')).readCsvReceivers(...a);
}

/** Refuses receivers the scene cannot mean (inside a building, off the map, at or below the ground), as `simgen raytrace` does (run/receivers.ts). */
export async function checkReceivers(...a: Parameters<typeof Receivers.checkReceivers>): Promise<void> {
  (await import('./run/receivers.ts')).checkReceivers(...a);
}

/**
 * A tracer for the channel and measurement stages: every site precomputed, one receiver at a time, each link's
 * result (as links.arrow has it), its specular paths and its diffuse contributions one by one (engine/tracer.ts).
 */
export async function makeLinkTracer(...a: Parameters<typeof Tracer.makeLinkTracer>): Promise<ReturnType<typeof Tracer.makeLinkTracer>> {
  return (await import('./engine/tracer.ts')).makeLinkTracer(...a);
}
