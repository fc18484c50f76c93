import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class ForgetSubjectDto {
  @ApiProperty({ description: 'the `sub` whose personal data is crypto-shredded', example: 'userid:123456789' })
  @IsString() @IsNotEmpty() @MaxLength(512)
  subject!: string;
}
