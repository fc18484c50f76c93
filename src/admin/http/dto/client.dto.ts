import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { APPLICATION_TYPES, AUTH_METHODS, GRANT_TYPES, ID_TOKEN_ALGS } from '../../../clients/domain/client-metadata.js';

/*
 * The wire shape of client metadata (RFC 7591 names): types, enumerations and sizes are checked
 * here, so a body of the wrong shape is refused naming the field before any command runs. What
 * the values mean together (a safe redirect URI, PKCE for public clients, grant types a public
 * client may not use) is the domain's to judge, in validateClientMetadata, the same rules
 * whether a client comes from the admin API, the CLI or dynamic registration.
 */

const URI_LIST_MAX = 50;
const URI_MAX = 2048;

export class ClientChangesDto {
  @ApiPropertyOptional({ example: 'Grafana', maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200)
  client_name?: string;

  @ApiPropertyOptional({ type: [String], example: ['https://grafana.example.ts.net/login/generic_oauth'] })
  @IsOptional() @IsArray() @ArrayMaxSize(URI_LIST_MAX) @IsString({ each: true }) @MaxLength(URI_MAX, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(URI_LIST_MAX) @IsString({ each: true }) @MaxLength(URI_MAX, { each: true })
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({ enum: GRANT_TYPES, isArray: true, default: ['authorization_code', 'refresh_token'] })
  @IsOptional() @IsArray() @ArrayMaxSize(GRANT_TYPES.length) @IsIn(GRANT_TYPES, { each: true })
  grant_types?: string[];

  @ApiPropertyOptional({ enum: AUTH_METHODS, default: 'client_secret_basic', description: 'none: a public client (no secret, PKCE required)' })
  @IsOptional() @IsIn(AUTH_METHODS)
  token_endpoint_auth_method?: string;

  @ApiPropertyOptional({ enum: ID_TOKEN_ALGS, default: 'RS256' })
  @IsOptional() @IsIn(ID_TOKEN_ALGS)
  id_token_signed_response_alg?: string;

  @ApiPropertyOptional({ example: 'openid profile email groups offline_access', description: 'space-separated; meshid:admin lets a client_credentials client use this API' })
  @IsOptional() @IsString() @MaxLength(1000)
  scope?: string;

  @ApiPropertyOptional()
  @IsOptional() @IsBoolean()
  require_pkce?: boolean;

  @ApiPropertyOptional({ description: 'allow plain-http redirect URIs to hosts other than loopback' })
  @IsOptional() @IsBoolean()
  allow_insecure_http_redirects?: boolean;

  @ApiPropertyOptional({ description: 'single-use refresh tokens with replay detection (always on for public clients)' })
  @IsOptional() @IsBoolean()
  refresh_token_rotation?: boolean;

  @ApiPropertyOptional({ minimum: 60 })
  @IsOptional() @IsInt()
  refresh_token_ttl_seconds?: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(URI_MAX) client_uri?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(URI_MAX) logo_uri?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(URI_MAX) tos_uri?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(URI_MAX) policy_uri?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true })
  contacts?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) software_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) software_version?: string;

  @ApiPropertyOptional({ enum: APPLICATION_TYPES })
  @IsOptional() @IsIn(APPLICATION_TYPES)
  application_type?: string;
}

export class NewClientDto extends OmitType(ClientChangesDto, ['client_name'] as const) {
  @ApiProperty({ example: 'Grafana', maxLength: 200 })
  @IsString() @MaxLength(200)
  client_name!: string;

  @ApiPropertyOptional({ description: 'keep an id from elsewhere (an import); by default the server chooses one', pattern: '^[A-Za-z0-9._-]{1,128}$' })
  @IsOptional() @IsString() @MaxLength(128)
  client_id?: string;
}
