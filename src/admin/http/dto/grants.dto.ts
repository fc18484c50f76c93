import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class RevokeAllGrantsDto {
  @ApiProperty({ description: 'the `sub` whose every active grant is revoked', example: 'userid:123456789' })
  @IsString() @IsNotEmpty() @MaxLength(512)
  subject!: string;
}
