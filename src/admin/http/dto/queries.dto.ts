import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Query strings arrive as text: a number or boolean is converted only when it is spelled exactly. */
const integer = ({ value }: { value: unknown }) => (typeof value === 'string' && /^[0-9]{1,6}$/.test(value) ? Number(value) : value);
const boolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Transform(integer) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(2048)
  cursor?: string;
}

export class ClientListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'case-insensitive part of the id, the name or a redirect URI' })
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;
}

export class GrantListQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(512) subject?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2048) client_id?: string;

  @ApiPropertyOptional({ description: 'only grants not revoked whose refresh token is still valid' })
  @IsOptional() @Transform(boolean) @IsBoolean()
  active?: boolean;
}

export class ActivityQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Transform(integer) @IsInt() @Min(1) @Max(100)
  limit?: number;
}
