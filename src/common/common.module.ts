import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { Cookies } from './cookies';
import { HttpExchange } from './http-exchange';
import { SameOriginGuard } from './same-origin.guard';
import { Metrics } from '../metrics/metrics';

@Global()
@Module({
  providers: [Cookies, HttpExchange, SameOriginGuard, Metrics, { provide: Clock, useClass: SystemClock }],
  exports: [Cookies, HttpExchange, SameOriginGuard, Metrics, Clock],
})
export class CommonModule {}
