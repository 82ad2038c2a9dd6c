import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appConfig, type AppConfig } from '../config/app.config';

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;

/**
 * JSON logs with a request id. A request is logged as method and path only: query strings carry codes
 * and states, headers carry cookies and Authorization, so neither is ever written. The redact list
 * covers anything that would still try.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (app: AppConfig) => ({
        pinoHttp: {
          level: app.logLevel,
          genReqId: (req: IncomingMessage, res: ServerResponse) => {
            const incoming = req.headers['x-request-id'];
            const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
            res.setHeader('X-Request-Id', id);
            return id;
          },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          redact: {
            paths: ['req.headers', 'res.headers', 'req.query', 'req.url', '*.authorization', '*.cookie', '*.code', '*.state', '*.access_token', '*.refresh_token'],
            censor: '[redacted]',
          },
          customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${req.url?.split('?')[0]} ${res.statusCode}`,
          customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${req.url?.split('?')[0]} ${res.statusCode}`,
        },
      }),
    }),
  ],
})
export class LoggingModule {}
