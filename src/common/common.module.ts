import { Global, Module } from '@nestjs/common';
import { Cookies } from './cookies';
import { HttpExchange } from './http-exchange';
import { SameOriginGuard } from './same-origin.guard';

@Global()
@Module({
  providers: [Cookies, HttpExchange, SameOriginGuard],
  exports: [Cookies, HttpExchange, SameOriginGuard],
})
export class CommonModule {}
