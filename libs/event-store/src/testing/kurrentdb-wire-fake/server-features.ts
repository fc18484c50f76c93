import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { SupportedMethod, SupportedMethods } from './protocol.js';

type FeaturesCall = ServerUnaryCall<unknown, InstanceType<typeof SupportedMethods>>;

const STREAMS = 'event_store.client.streams.Streams';

/**
 * `ServerFeatures.GetSupportedMethods`: the methods the fake serves. Listing BatchAppend makes
 * the client append through it, as it does against a real server; the version is made up.
 */
export function serverFeaturesHandler() {
  return (_call: FeaturesCall, callback: sendUnaryData<InstanceType<typeof SupportedMethods>>): void => {
    const methods = ['Read', 'Append', 'BatchAppend'].map((name) =>
      new SupportedMethod().setServiceName(STREAMS).setMethodName(name),
    );
    callback(null, new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion('26.0.0'));
  };
}
