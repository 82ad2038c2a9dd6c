import { Global, Module } from '@nestjs/common';
import { HttpExchange } from './http-exchange';
import { SameOriginGuard } from './same-origin.guard';

@Global()
@Module({
  providers: [HttpExchange, SameOriginGuard],
  exports: [HttpExchange, SameOriginGuard],
})
export class CommonModule {}
