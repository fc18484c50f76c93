import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { PageQueryDto } from './queries.dto.js';

/*
 * The wire shape of an account's profile: types and sizes are checked here, so a body of the
 * wrong shape is refused naming the field before any command runs. What the values mean (the
 * login rule, a usable email, group names) is the accounts domain's to judge, the same rules
 * whether an account comes from the admin API, the CLI or the first-run bootstrap.
 */

const GROUPS_MAX = 100;
const GROUP_MAX = 200;
const NAME_MAX = 200;
const EMAIL_MAX = 320;

/** Absent means "unchanged"; `null` is refused for every field that cannot be empty (IsOptional would let it through). */
const given = ValidateIf((_, value: unknown) => value !== undefined);

export class AccountChangesDto {
  @ApiPropertyOptional({ example: 'Alice Liddell', maxLength: NAME_MAX })
  @given @IsString() @IsNotEmpty() @MaxLength(NAME_MAX)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'alice@example.com', description: 'null removes it' })
  @IsOptional() @IsString() @MaxLength(EMAIL_MAX)
  email?: string | null;

  @ApiPropertyOptional({ description: 'whether the email is known to belong to the person (the email_verified claim)' })
  @given @IsBoolean()
  email_verified?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['admins', 'grafana-editors'], description: 'the groups claim; replaced whole' })
  @given @IsArray() @ArrayMaxSize(GROUPS_MAX) @IsString({ each: true }) @MaxLength(GROUP_MAX, { each: true })
  groups?: string[];

  @ApiPropertyOptional({ description: 'an administrator of meshid (allow_admin_ui, allow_dcr)' })
  @given @IsBoolean()
  admin?: boolean;
}

export class NewAccountDto {
  @ApiProperty({ example: 'alice', description: "Headscale's username rule: 2 to 64 characters, a letter first, letters, digits, - . _ and at most one @; unique in any case" })
  @IsString() @IsNotEmpty() @MaxLength(64)
  login!: string;

  @ApiProperty({ example: 'Alice Liddell', maxLength: NAME_MAX })
  @IsString() @IsNotEmpty() @MaxLength(NAME_MAX)
  name!: string;

  @ApiPropertyOptional({ example: 'alice@example.com' })
  @given @IsString() @MaxLength(EMAIL_MAX)
  email?: string;

  @ApiPropertyOptional({ default: false })
  @given @IsBoolean()
  email_verified?: boolean;

  @ApiPropertyOptional({ type: [String], default: [] })
  @given @IsArray() @ArrayMaxSize(GROUPS_MAX) @IsString({ each: true }) @MaxLength(GROUP_MAX, { each: true })
  groups?: string[];

  @ApiPropertyOptional({ default: false })
  @given @IsBoolean()
  admin?: boolean;
}

export class DisableAccountDto {
  @ApiPropertyOptional({ example: 'left the company', maxLength: 500 })
  @given @IsString() @MaxLength(500)
  reason?: string;
}

export class AccountListQueryDto extends PageQueryDto {}
