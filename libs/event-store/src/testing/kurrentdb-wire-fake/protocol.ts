/**
 * The generated protobuf classes and gRPC service definitions the fake serves, taken from the
 * copy shipped inside `@kurrent/kurrentdb-client` so that the fake and the client agree on the
 * wire format by construction. They are CommonJS modules whose exports Node cannot list
 * statically, hence the default imports. The google-protobuf well-known types come from the
 * copy of `google-protobuf` the client itself depends on.
 */
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import serverFeaturesGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb.js';
import sharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import statusPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/status_pb.js';
import streamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import streamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';

export const { Any } = anyPb;
export const { Empty: GoogleEmpty } = emptyPb;
export const { Timestamp } = timestampPb;
export const { AllStreamPosition, Empty, StreamDeleted, StreamIdentifier, UUID, WrongExpectedVersion } = sharedPb;
export const { Status } = statusPb;
export const { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp, TombstoneReq, TombstoneResp } = streamsPb;
export const { StreamsService } = streamsGrpc;
export const { SupportedMethod, SupportedMethods } = serverFeaturesPb;
export const { ServerFeaturesService } = serverFeaturesGrpc;

export type AppendReqMessage = InstanceType<typeof AppendReq>;
export type AppendRespMessage = InstanceType<typeof AppendResp>;
export type BatchAppendReqMessage = InstanceType<typeof BatchAppendReq>;
export type BatchAppendRespMessage = InstanceType<typeof BatchAppendResp>;
export type TombstoneReqMessage = InstanceType<typeof TombstoneReq>;
export type TombstoneRespMessage = InstanceType<typeof TombstoneResp>;
export type ReadReqMessage = InstanceType<typeof ReadReq>;
export type ReadRespMessage = InstanceType<typeof ReadResp>;
export type FilterOptionsMessage = InstanceType<typeof ReadReq.Options.FilterOptions>;
export type UuidMessage = InstanceType<typeof UUID>;
