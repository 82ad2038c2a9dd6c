import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { Cookies } from './cookies';
import { HttpExchange } from './http-exchange';
import { SameOriginGuard } from './same-origin.guard';

@Global()
@Module({
  providers: [Cookies, HttpExchange, SameOriginGuard, { provide: Clock, useClass: SystemClock }],
  exports: [Cookies, HttpExchange, SameOriginGuard, Clock],
})
export class CommonModule {}
