import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional } from 'class-validator';
import { SIGNING_ALGS, type SigningAlg } from '../../../keys/domain/signing-keys.events.js';

export class RotateKeysDto {
  @ApiPropertyOptional({ enum: SIGNING_ALGS, isArray: true, description: 'default: every algorithm' })
  @IsOptional() @IsArray() @ArrayMaxSize(SIGNING_ALGS.length) @IsIn(SIGNING_ALGS, { each: true })
  algs?: SigningAlg[];

  @ApiPropertyOptional({ description: 'activate at once, skipping pre-publication (verifiers with a cached JWKS may refuse new tokens until they refetch)' })
  @IsOptional() @IsBoolean()
  immediate?: boolean;
}

export class RetireKeyDto {
  @ApiPropertyOptional({ description: 'the key is compromised: remove it from JWKS now, so every token it signed stops verifying' })
  @IsOptional() @IsBoolean()
  unpublish_now?: boolean;
}
