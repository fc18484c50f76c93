import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, MaxLength } from 'class-validator';

/** Ranges are the domain's (IssueInitialAccessTokenCommand), which names the option out of range. */
export class NewInitialAccessTokenDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1, description: 'how many clients it may register' })
  @IsOptional() @IsInt()
  uses?: number;

  @ApiPropertyOptional({ minimum: 60, default: 86400, description: 'lifetime in seconds, at most 90 days' })
  @IsOptional() @IsInt()
  expires_in?: number;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(500)
  description?: string;
}
