import { Global, Module } from '@nestjs/common';
import { KeyEncryption } from './key-encryption.js';
import { SecretHasher } from './secret-hasher.js';

/** Hashing of stored secrets and sealing of private keys, under the data directory's secrets. */
@Global()
@Module({ providers: [SecretHasher, KeyEncryption], exports: [SecretHasher, KeyEncryption] })
export class CryptoModule {}
