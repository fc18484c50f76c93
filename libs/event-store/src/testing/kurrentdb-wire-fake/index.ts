/**
 * KurrentDB WIRE FAKE — A FAKE WRITTEN FOR TESTS. It is not KurrentDB and not a server anyone
 * should run. It exists because no KurrentDB server can run on our build machines, yet the
 * KurrentDB adapter must be exercised through the real `@kurrent/kurrentdb-client` (and its
 * Rust bridge, which serves reads) over real gRPC.
 *
 * It implements ONLY what the adapter uses, written by us from the protobuf shapes shipped in
 * the client package, and its SEMANTICS ARE OURS, NOT KURRENTDB'S: passing against it proves
 * the adapter's mapping of the client API, not the server's behaviour. The contract suite run
 * against a real server (KURRENTDB_CONNECTION_STRING) is what checks the latter.
 *
 * Implemented (KurrentDB gRPC protocol v1, services Streams and ServerFeatures):
 * - Append: options then proposed messages; expected revision no_stream / any / stream_exists /
 *   exact; success with current revision and position; conflicts as a `wrong_expected_version`
 *   message.
 * - BatchAppend (what the client uses when ServerFeatures lists it, as real servers do): the
 *   same, per correlation id, conflicts as an error status packing a WrongExpectedVersion.
 * - ServerFeatures: lists Read, Append and BatchAppend (or, disabled, UNIMPLEMENTED).
 * - Read of a stream: forwards / backwards, from revision / start / end, count;
 *   `stream_not_found` for a stream that has no events.
 * - Read of `$all`: from position / start / end, forwards / backwards, count, filter on stream
 *   name or event type by prefixes or regex. System events are in `$all` like any other.
 * - Subscriptions to a stream or to `$all` (filtered or not): confirmation, catch-up,
 *   `caught_up`, live events, checkpoints (see `subscription.ts` for the rule).
 * - Tombstone (hard delete, expected revision `any`): later appends (Append and BatchAppend) and
 *   stream reads fail with stream-deleted, as the server answers them; the stream's events stay
 *   in `$all`, followed by a `$streamDeleted` event, as until a real server's scavenge.
 * - Stream metadata as the client writes it (a `$metadata` event in `$$<stream>`, read back
 *   through the same stream read); stream reads leave out events older than its `$maxAge`.
 * - String and structured UUIDs; `created` in 100-ns ticks since the Unix epoch; positions
 *   whose commit and prepare halves both increase and differ.
 * Out of this fake's scope (the adapter never uses them): idempotent appends by event id, soft
 * deletes, stream metadata other than $maxAge ($maxCount, $tb, $acl, ...), scavenges, link
 * resolution, the v2 multi-stream protocol, persistent subscriptions, projections, users,
 * operations and gossip (UNIMPLEMENTED), authentication, TLS, deadlines, `fell_behind`,
 * checkpoints on plain (non-subscription) reads.
 */
export { KurrentDbWireFake, type KurrentDbWireFakeOptions } from './fake-server.js';
export type { FakeRecord } from './fake-log.js';
