import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The JSON body of every error (see AppErrorFilter). */
export class ErrorResponseDto {
  @ApiProperty({ example: 401 })
  statusCode!: number;

  @ApiProperty({ example: 'unauthenticated', description: 'Stable, machine-readable error code.' })
  code!: string;

  @ApiProperty({ example: 'Connect your Airtable account first.' })
  message!: string;

  @ApiPropertyOptional({ example: '/auth/login', description: 'Where to sign in, for unauthenticated and reauth_required.' })
  loginUrl?: string;
}
